import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { createHarness, type Harness } from "../harness.ts";
import { CFN_BUCKET } from "../fixtures.ts";

const FIXTURE = fileURLToPath(new URL("./blocked-transaction.fixture.ts", import.meta.url));

describe("the transaction that writes a result", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("is ended by PostgreSQL when its worker's event loop is blocked, releasing its locks", async () => {
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "blocked" }).expect(201)).body as {
      id: string;
    };
    const { analyses } = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [{ path: "a.yaml", content: CFN_BUCKET }] })
        .expect(202)
    ).body as SubmissionResult;
    const id = analyses[0]!.id;

    // The worker's budget is 1.5 s; its thread then blocks for 12 s, so Prisma's own timer cannot fire.
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, h.database.url, id, "1500", "12000"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("locked")) resolve();
      });
      child.on("exit", () => reject(new Error(`fixture exited early: ${out}`)));
    });

    // Another session needs the row: it gets it once PostgreSQL has ended the blocked transaction, long
    // before the blocked thread wakes up.
    const other = new pg.Client({ connectionString: h.database.url });
    await other.connect();
    try {
      await other.query("SET lock_timeout = 8000");
      await other.query(`UPDATE "Analysis" SET "errorMessage" = 'written by another session' WHERE id = $1`, [id]);
      await exited;
      expect(out).toContain("rolled back");
      const row = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
      expect({ status: row.status, errorMessage: row.errorMessage }).toEqual({
        status: "queued",
        errorMessage: "written by another session",
      });
    } finally {
      await other.end();
      child.kill("SIGKILL");
    }
  });
});
