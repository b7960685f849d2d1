import request from "supertest";
import type { FaultEnv } from "../../../../scripts/faults/scenarios.ts";
import type { Harness } from "../harness.ts";

/** A fault scenario's environment over the test harness: its database, its Redis prefix, its API. */
export async function faultEnv(h: Harness, redisUrl: string): Promise<FaultEnv> {
  const project = await request(h.app)
    .post("/api/v1/projects")
    .send({ name: `faults-${h.prefix}` });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  const projectId = (project.body as { id: string }).id;
  return {
    databaseUrl: h.database.url,
    db: h.database.db,
    redisUrl,
    prefix: h.prefix,
    async submit(files) {
      const res = await request(h.app).post(`/api/v1/projects/${projectId}/submissions`).send({ files, source: "api" });
      return { status: res.status, body: res.body as unknown };
    },
    async ready() {
      return (await request(h.app).get("/readyz")).status;
    },
    log: (message) => {
      if (process.env.TEST_LOG_LEVEL) process.stdout.write(`${message}\n`);
    },
  };
}
