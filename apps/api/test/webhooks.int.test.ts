import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isFinalStatus,
  type BatchDto,
  type CurrentThreatDto,
  type ExpiringAcceptanceDto,
  type ProjectDto,
  type SubmissionResult,
  type WebhookDeliveryDto,
  type WebhookDto,
  type WebhookPayload,
} from "@threatline/domain";
import { enqueue } from "@threatline/queue";
import { pino } from "pino";
import { reconcileDeliveries } from "@threatline/worker";
import { createHarness, type Harness } from "./harness.ts";
import { CFN_BUCKET } from "./fixtures.ts";
import { waitFor } from "../../../test/support.ts";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: WebhookPayload;
}

/**
 * A real HTTP receiver on loopback: records every request; `/fail-twice` answers 500 to its first two requests,
 * `/always-fails` always answers 503.
 */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      received.push({ path, headers: req.headers, raw, body: JSON.parse(raw) as WebhookPayload });
      const fail = (path === "/fail-twice" && n <= 2) || path === "/always-fails";
      res.writeHead(fail ? (path === "/always-fails" ? 503 : 500) : 200).end(fail ? "no" : "ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

/**
 * Outgoing webhooks (issue #22 item 2): registered by a team admin, signed with HMAC-SHA256, delivered by the
 * worker through BullMQ with retries and exponential backoff, every attempt in the delivery log; new critical
 * threats, assignments and expiring acceptances (once per acceptance); the dashboard's expiring list.
 */
describe("outgoing webhooks", () => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let projectId: string;
  let teamId: string;
  let hook: WebhookDto;
  const RETRY_BASE_MS = 150;

  const webhooks = (path = "") => `/api/v1/teams/${teamId}/webhooks${path}`;
  const deliveries = async (id: string) =>
    (
      (
        await request(h.app)
          .get(webhooks(`/${id}/deliveries`))
          .expect(200)
      ).body as { items: WebhookDeliveryDto[] }
    ).items;
  const create = async (body: object) =>
    (await request(h.app).post(webhooks()).send(body).expect(201)).body as WebhookDto;
  const receivedAt = (path: string, event: string) =>
    receiver.received.filter((r) => r.path === path && r.body.event === event);

  async function submit(content: string) {
    const { batchId } = (
      await request(h.app)
        .post(`/api/v1/projects/${projectId}/submissions`)
        .send({ files: [{ path: "app.yaml", content }] })
        .expect(202)
    ).body as SubmissionResult;
    await waitFor(
      async () => {
        const b = (await request(h.app).get(`/api/v1/batches/${batchId}`)).body as BatchDto;
        return b.analyses.every((a) => isFinalStatus(a.status)) ? b : undefined;
      },
      60_000,
      "the analysis",
    );
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    h = await createHarness({ config: { WEBHOOK_ALLOW_PRIVATE: true } });
    teamId = h.defaultTeamId;
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "hooked" }).expect(201)).body as ProjectDto
    ).id;
    h.startWorker({
      webhooks: {
        WEBHOOK_ALLOW_PRIVATE: true,
        WEBHOOK_RETRY_BASE_MS: RETRY_BASE_MS,
        WEBHOOK_MAX_ATTEMPTS: 4,
        WEBHOOK_TIMEOUT_MS: 5_000,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    receiver?.server.close();
  });

  it("refuses private addresses unless the server allows them, and bad input", async () => {
    h.deps.config.WEBHOOK_ALLOW_PRIVATE = false;
    try {
      for (const url of [
        `${receiver.url}/x`,
        "http://localhost:9/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
      ]) {
        const res = await request(h.app)
          .post(webhooks())
          .send({ url, events: ["threat.assigned"] })
          .expect(400);
        expect(res.body.error.code).toBe("webhook/blocked-address");
      }
    } finally {
      h.deps.config.WEBHOOK_ALLOW_PRIVATE = true;
    }
    for (const body of [
      { url: "ftp://example.com/x", events: ["threat.assigned"] },
      { url: "https://example.com/x", events: [] },
      { url: "https://example.com/x", events: ["threat.deleted"] },
      { url: "https://example.com/x", events: ["acceptance.expiring"], expiringDays: 0 },
    ]) {
      const res = await request(h.app).post(webhooks()).send(body).expect(400);
      expect(res.body.error.code).toBe("request/invalid");
    }
    // Only the team's admins manage webhooks.
    const editor = await h.createUser({ teams: { [teamId]: "editor" } });
    const res = await request(h.api)
      .get(webhooks())
      .set("Authorization", `Bearer ${await h.tokenFor(editor.id)}`)
      .expect(403);
    expect(res.body.error.code).toBe("auth/forbidden");
  });

  it("sends a signed test delivery and logs it", async () => {
    hook = await create({
      name: "security channel",
      url: `${receiver.url}/hook`,
      events: ["threat.critical.new", "threat.assigned", "acceptance.expiring"],
    });
    expect(hook.secret).toMatch(/^whsec_/);
    await request(h.app)
      .post(webhooks(`/${hook.id}/test`))
      .expect(202);
    const got = await waitFor(() => receivedAt("/hook", "webhook.test")[0], 20_000, "the test delivery");
    // The signature is the HMAC-SHA256 of the exact body under the webhook's secret.
    const expected = `sha256=${createHmac("sha256", hook.secret!).update(got.raw).digest("hex")}`;
    expect(got.headers["x-threatline-signature-256"]).toBe(expected);
    expect(got.headers["x-threatline-event"]).toBe("webhook.test");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.body.text).toContain("security channel");
    expect(got.headers["x-threatline-delivery"]).toBe(got.body.id);
    const log = await waitFor(
      async () => (await deliveries(hook.id)).find((d) => d.status === "succeeded"),
      10_000,
      "the delivery log",
    );
    expect(log.id).toBe(got.body.id);
    expect(log.attempts).toHaveLength(1);
    expect(log.attempts[0]).toMatchObject({ attempt: 1, statusCode: 200, error: null });
  });

  it("retries a failing receiver with exponential backoff, logging every attempt", async () => {
    const flaky = await create({ url: `${receiver.url}/fail-twice`, events: ["threat.assigned"] });
    await request(h.app)
      .post(webhooks(`/${flaky.id}/test`))
      .expect(202);
    const done = await waitFor(
      async () => (await deliveries(flaky.id)).find((d) => d.status === "succeeded"),
      30_000,
      "the retried delivery",
    );
    expect(done.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(done.attempts.map((a) => a.error)).toEqual(["HTTP 500", "HTTP 500", null]);
    const at = done.attempts.map((a) => Date.parse(a.at));
    // BullMQ waits at least base × 2^(n-1) before retry n (the delays are minimums; the timestamps are ms).
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(RETRY_BASE_MS - 5);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS - 5);
    expect(receivedAt("/fail-twice", "webhook.test")).toHaveLength(3);
    // The same delivery id on every retry: a receiver can tell a retry from a new event.
    expect(new Set(receivedAt("/fail-twice", "webhook.test").map((r) => r.body.id)).size).toBe(1);

    const dead = await create({ url: `${receiver.url}/always-fails`, events: ["threat.assigned"] });
    await request(h.app)
      .post(webhooks(`/${dead.id}/test`))
      .expect(202);
    const failed = await waitFor(
      async () => (await deliveries(dead.id)).find((d) => d.status === "failed"),
      30_000,
      "the failed delivery",
    );
    expect(failed.attempts.map((a) => a.statusCode)).toEqual([503, 503, 503, 503]);
    await request(h.app)
      .delete(webhooks(`/${dead.id}`))
      .expect(204);
    await request(h.app)
      .delete(webhooks(`/${flaky.id}`))
      .expect(204);
  });

  it("tells about new critical threats once, and about an assignment", async () => {
    await submit(CFN_BUCKET);
    const critical = await waitFor(
      () => receivedAt("/hook", "threat.critical.new")[0],
      30_000,
      "the critical-threat notice",
    );
    expect(critical.body.project?.name).toBe("hooked");
    expect(critical.body.threats?.map((t) => t.ruleId)).toEqual(["TL-AWS-S3-001"]);
    expect(critical.body.threats?.[0]).toMatchObject({ severity: "critical", resource: "AppBucket", path: "app.yaml" });
    expect(critical.body.text).toMatch(/new critical threat in \*hooked\*/);

    // A second version with the same threats has nothing new to tell.
    await submit(`${CFN_BUCKET}# v2\n`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receivedAt("/hook", "threat.critical.new")).toHaveLength(1);

    const threats = (
      (await request(h.app).get(`/api/v1/projects/${projectId}/threats`).expect(200)).body as {
        items: CurrentThreatDto[];
      }
    ).items;
    const fingerprint = threats[0]!.fingerprint;
    await request(h.app)
      .patch(`/api/v1/projects/${projectId}/threats/${fingerprint}/follow-up`)
      .send({ assigneeId: h.admin.id })
      .expect(200);
    const assigned = await waitFor(() => receivedAt("/hook", "threat.assigned")[0], 20_000, "the assignment");
    expect(assigned.body.assignee?.email).toBe(h.admin.email);
    expect(assigned.body.threats?.[0]?.fingerprint).toBe(fingerprint);
  });

  it("reminds once per acceptance before it expires, and lists it as expiring soon", async () => {
    const threats = (
      (await request(h.app).get(`/api/v1/projects/${projectId}/threats`).expect(200)).body as {
        items: CurrentThreatDto[];
      }
    ).items;
    const [soon, later] = threats;
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000 - 60_000).toISOString();
    await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/${soon!.fingerprint}`)
      .send({ status: "accepted", owner: "alice", expiresAt: inDays(3), note: "until the CDN lands" })
      .expect(200);
    await request(h.app)
      .put(`/api/v1/projects/${projectId}/triage/${later!.fingerprint}`)
      .send({ status: "accepted", owner: "bob", expiresAt: inDays(20) })
      .expect(200);

    const expiring = (
      (await request(h.app).get("/api/v1/dashboard/expiring").expect(200)).body as {
        items: ExpiringAcceptanceDto[];
      }
    ).items;
    expect(expiring).toHaveLength(1);
    expect(expiring[0]).toMatchObject({
      projectName: "hooked",
      fingerprint: soon!.fingerprint,
      title: soon!.title,
      path: "app.yaml",
      owner: "alice",
      daysLeft: 3,
    });
    const wider = (
      (await request(h.app).get("/api/v1/dashboard/expiring?days=30").expect(200)).body as {
        items: ExpiringAcceptanceDto[];
      }
    ).items;
    expect(wider.map((e) => e.owner)).toEqual(["alice", "bob"]);

    // The daily job, run now: one reminder for the acceptance within the webhook's 7 days.
    await enqueue(h.deps.queue, "webhook-reminders", {}, "reminders-run-1");
    const reminder = await waitFor(() => receivedAt("/hook", "acceptance.expiring")[0], 20_000, "the reminder");
    expect(reminder.body.acceptances).toHaveLength(1);
    expect(reminder.body.acceptances![0]).toMatchObject({
      owner: "alice",
      daysLeft: 3,
      note: "until the CDN lands",
      threat: { fingerprint: soon!.fingerprint },
    });
    expect(reminder.body.text).toContain("alice");

    // Run again: nothing new to remind of, no second delivery.
    await enqueue(h.deps.queue, "webhook-reminders", {}, "reminders-run-2");
    await waitFor(
      async () => (await h.deps.queue.getJob("reminders-run-2"))?.finishedOn,
      20_000,
      "the second reminder run",
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(receivedAt("/hook", "acceptance.expiring")).toHaveLength(1);

    // Fifteen days on, the second acceptance is within its window: reminded of, the first one not again.
    await enqueue(h.deps.queue, "webhook-reminders", { now: inDays(15) }, "reminders-run-3");
    const second = await waitFor(() => receivedAt("/hook", "acceptance.expiring")[1], 20_000, "the later reminder");
    expect(second.body.acceptances?.map((a) => a.owner)).toEqual(["bob"]);
  });

  it("re-sends a delivery left pending without a job (Redis was down when it was recorded), once", async () => {
    const { db } = h.database;
    const logger = pino({ level: "silent" });
    const model = await db.webhookDelivery.findFirstOrThrow({ where: { webhookId: hook.id, event: "webhook.test" } });
    const stranded = (count: number, ageMs: number) =>
      Promise.all(
        Array.from({ length: count }, () =>
          db.webhookDelivery.create({
            data: {
              webhookId: hook.id,
              event: "webhook.test",
              payload: model.payload as object,
              createdAt: new Date(Date.now() - ageMs),
            },
          }),
        ),
      );
    const [lost] = await stranded(1, 5 * 60_000);
    // Recorded a moment ago: its enqueue may still be on the way, so it is left alone.
    const [fresh] = await stranded(1, 0);
    expect(await h.deps.queue.getJob(lost!.id)).toBeUndefined();

    const webhooks = { WEBHOOK_ALLOW_PRIVATE: true, WEBHOOK_RETRY_BASE_MS: RETRY_BASE_MS, WEBHOOK_MAX_ATTEMPTS: 4 };
    expect(await reconcileDeliveries(db, h.deps.queue, logger, { webhooks })).toBe(1);
    // The job id is the delivery id: a second pass while it is queued or running adds nothing.
    expect(await reconcileDeliveries(db, h.deps.queue, logger, { webhooks })).toBe(0);
    expect((await h.deps.queue.getJob(lost!.id))?.opts.attempts).toBe(4);
    const got = await waitFor(
      () => receiver.received.find((r) => r.body.id === lost!.id),
      20_000,
      "the stranded delivery at the receiver",
    );
    expect(got.headers["x-threatline-delivery"]).toBe(lost!.id);
    await waitFor(
      async () =>
        (await db.webhookDelivery.findUnique({ where: { id: lost!.id } }))?.status === "succeeded" || undefined,
      10_000,
      "the delivery to be logged as succeeded",
    );
    expect(await reconcileDeliveries(db, h.deps.queue, logger, { webhooks })).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received.filter((r) => r.body.id === lost!.id)).toHaveLength(1);
    expect(receiver.received.some((r) => r.body.id === fresh!.id)).toBe(false);
    expect((await db.webhookDelivery.findUniqueOrThrow({ where: { id: fresh!.id } })).status).toBe("pending");
    await db.webhookDelivery.delete({ where: { id: fresh!.id } });
  });
});
