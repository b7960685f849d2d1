import request from "supertest";
import { expect } from "vitest";
import { isFinalStatus, type BatchDto, type SubmissionResult, type Threat } from "@threatline/domain";
import { waitFor } from "./wait.ts";

/** What supertest drives: the Express app of `createApp`, or a listening server. */
export type TestApp = Parameters<typeof request>[0];

/** A file of a JSON submission. */
export interface TestFile {
  path: string;
  content: string;
}

/** Makes a project in the caller's default team (the harness signs its app in as the administrator); its id. */
export async function createProject(app: TestApp, name: string): Promise<string> {
  return ((await request(app).post("/api/v1/projects").send({ name }).expect(201)).body as { id: string }).id;
}

/** Submits files to a project and waits (a worker must be running) until every analysis of the batch is final. */
export async function submitAndWait(
  app: TestApp,
  projectId: string,
  files: TestFile[],
  timeoutMs = 60_000,
): Promise<BatchDto> {
  const { batchId } = (await request(app).post(`/api/v1/projects/${projectId}/submissions`).send({ files }).expect(202))
    .body as SubmissionResult;
  return waitFor(
    async () => {
      const batch = (await request(app).get(`/api/v1/batches/${batchId}`).expect(200)).body as BatchDto;
      return batch.analyses.every((a) => isFinalStatus(a.status)) ? batch : undefined;
    },
    timeoutMs,
    "the batch to finish",
  );
}

/** The stored threats of a batch's analysis of one path, which must have succeeded. */
export async function threatsOf(app: TestApp, batch: BatchDto, path: string): Promise<Threat[]> {
  const analysis = batch.analyses.find((a) => a.path === path);
  expect(analysis, `an analysis of ${path}`).toBeDefined();
  expect(analysis!.status).toBe("succeeded");
  return (
    (await request(app).get(`/api/v1/analyses/${analysis!.id}/threats?limit=500`).expect(200)).body as {
      items: Threat[];
    }
  ).items;
}
