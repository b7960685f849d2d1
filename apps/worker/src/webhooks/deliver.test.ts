import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostname } from "node:os";
import { guardedLookup, postWebhook } from "./deliver.ts";

describe("postWebhook", () => {
  let server: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2_000);
      if (req.url === "/redirect") return void res.writeHead(302, { location: "http://127.0.0.1:1/" }).end();
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("refuses a name that resolves to loopback when the socket looks it up (DNS), unless allowed", async () => {
    const look = (allow: boolean, all: boolean) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup(allow)("localhost", { all }, (err, address) => resolve({ err, address })),
      );
    const blocked = await look(false, false);
    expect(blocked.err?.code).toBe("EWEBHOOKBLOCKED");
    expect(blocked.err?.message).toMatch(/loopback address.*WEBHOOK_ALLOW_PRIVATE/);
    expect((await look(false, true)).err?.code).toBe("EWEBHOOKBLOCKED");
    const allowed = await look(true, false);
    expect(allowed.err).toBeNull();
    expect(["127.0.0.1", "::1"]).toContain(allowed.address);
    // Through postWebhook, with this machine's own name (it resolves to a loopback address here): nothing is sent.
    const before = hits;
    const result = await postWebhook(
      `http://${hostname()}:${port}/x`,
      "{}",
      {},
      { timeoutMs: 2_000, allowPrivate: false },
    );
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/WEBHOOK_ALLOW_PRIVATE|ENOTFOUND/);
    expect(hits).toBe(before);
  });

  it("times out, and does not follow redirects", async () => {
    const slow = await postWebhook(`http://127.0.0.1:${port}/slow`, "{}", {}, { timeoutMs: 200, allowPrivate: true });
    expect(slow.error).toMatch(/timed out after 200 ms/);
    const redirect = await postWebhook(
      `http://127.0.0.1:${port}/redirect`,
      "{}",
      {},
      {
        timeoutMs: 2_000,
        allowPrivate: true,
      },
    );
    expect(redirect).toMatchObject({ statusCode: 302, error: "HTTP 302" });
  });
});
