import { beforeEach, describe, expect, it } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { provideApi, type UploadFile } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { batch, fakeApi } from "../../test/fake-api.ts";
import { useSubmitStore } from "./submit.store.ts";

const file = (path: string) => ({ path, file: new File(["kind: Pod"], path.split("/").pop()!) });

describe("submit store", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("sends the picked files with their relative paths and follows every file live until done", async () => {
    let sent: UploadFile[] = [];
    const fake = fakeApi({
      submit: (_projectId, files) => {
        sent = files;
        return Promise.resolve({
          batchId: "b1",
          analyses: [
            { id: "a1", path: "k8s/api.yaml", templateVersionId: "v1", deduplicated: false },
            { id: "a2", path: "k8s/db.yaml", templateVersionId: "v2", deduplicated: true },
          ],
          rejected: [],
        });
      },
    });
    provideApi(fake.api);
    const store = useSubmitStore();
    store.add([file("k8s/api.yaml"), file("k8s/db.yaml"), file("notes.txt")]);
    expect(store.files.map((f) => f.path)).toEqual(["k8s/api.yaml", "k8s/db.yaml"]);

    expect(await store.submit("p1")).toBe("b1");
    expect(sent.map((f) => f.path)).toEqual(["k8s/api.yaml", "k8s/db.yaml"]);
    expect(store.files).toEqual([]);
    expect(store.live).toBe(true);
    expect(store.progress.map((p) => [p.path, p.status, p.deduplicated])).toEqual([
      ["k8s/api.yaml", "queued", false],
      ["k8s/db.yaml", "queued", true],
    ]);

    const stream = fake.stream("b1");
    stream.analysis({ analysisId: "a1", batchId: "b1", projectId: "p1", status: "running", at: "" });
    stream.analysis({ analysisId: "a1", batchId: "b1", projectId: "p1", status: "succeeded", threatCount: 7, at: "" });
    stream.analysis({
      analysisId: "a2",
      batchId: "b1",
      projectId: "p1",
      status: "failed",
      errorCode: "template/parse-failed",
      at: "",
    });
    expect(store.counts).toEqual({ total: 2, done: 2, failed: 1, canceled: 0, succeeded: 1, refused: 0 });
    expect(store.problems).toBe(true);
    expect(store.progress[0]).toMatchObject({ status: "succeeded", threatCount: 7 });
    expect(store.progress[1]).toMatchObject({ status: "failed", errorCode: "template/parse-failed" });

    stream.done(
      batch("b1", [
        {
          id: "a1",
          path: "k8s/api.yaml",
          status: "succeeded",
          format: "kubernetes",
          threatCount: 7,
          errorCode: null,
          errorMessage: null,
          severityCounts: {},
        },
        {
          id: "a2",
          path: "k8s/db.yaml",
          status: "failed",
          format: null,
          threatCount: 0,
          errorCode: "template/parse-failed",
          errorMessage: "bad YAML at line 3",
          severityCounts: {},
        },
      ]),
    );
    expect(store.live).toBe(false);
    expect(store.finished).toBe(true);
    expect(store.progress[1]!.errorMessage).toBe("bad YAML at line 3");
  });

  it("keeps the files and reports the code when the server refuses", async () => {
    provideApi(fakeApi({ submit: () => Promise.reject(new ApiError("queue/unavailable", "Redis is down", 503)) }).api);
    const store = useSubmitStore();
    store.add([file("a.yaml")]);
    expect(await store.submit("p1")).toBeUndefined();
    expect(store.error?.code).toBe("queue/unavailable");
    expect(store.files).toHaveLength(1);
    expect(store.live).toBe(false);
  });

  it("cancels queued files and closes the stream when stopped", async () => {
    const fake = fakeApi({
      submit: () =>
        Promise.resolve({
          batchId: "b2",
          analyses: [{ id: "a1", path: "a.yaml", templateVersionId: "v", deduplicated: false }],
          rejected: [],
        }),
      cancelBatch: () =>
        Promise.resolve(
          batch("b2", [
            {
              id: "a1",
              path: "a.yaml",
              status: "canceled",
              format: null,
              threatCount: 0,
              errorCode: null,
              errorMessage: null,
              severityCounts: {},
            },
          ]),
        ),
    });
    provideApi(fake.api);
    const store = useSubmitStore();
    store.add([file("a.yaml")]);
    await store.submit("p1");
    await store.cancel();
    expect(store.progress[0]!.status).toBe("canceled");
    store.stop();
    expect(fake.closed).toEqual(["b2"]);
  });
});
