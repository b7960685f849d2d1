import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze, type SourceFile } from "../../src/index.ts";

/** The files of a fixture folder, with paths relative to the fixtures root (as the CLI and worker hand them). */
function folder(name: string): SourceFile[] {
  const dir = new URL(`../fixtures/context/${name}/`, import.meta.url);
  return readdirSync(dir)
    .sort()
    .map((f) => ({ path: `${name}/${f}`, content: readFileSync(new URL(f, dir), "utf8") }));
}

const on = (threats: Array<{ ruleId: string | null; resources: Array<{ id: string }> }>, ruleId: string) =>
  threats.filter((t) => t.ruleId === ruleId).map((t) => t.resources[0]!.id);

describe("context the files state", () => {
  it("a NetworkPolicy in a sibling file covers the workloads of the file analysed with its folder as context", async () => {
    const files = folder("shop");
    const withSibling = await analyze(files, { focus: ["shop/deployment.yaml"] });
    expect(on(withSibling.threats, "TL-K8S-NET-002")).toEqual([]);
    const alone = await analyze(files.filter((f) => f.path.endsWith("deployment.yaml")));
    expect(on(alone.threats, "TL-K8S-NET-002")).toEqual(["Deployment/shop/web"]);
  });

  it("a queue that is a dead-letter queue (of a queue, of a function) gets no 'no DLQ' threat; an orphan still does", async () => {
    const { threats } = await analyze(folder("queues"));
    expect(on(threats, "TL-AWS-SQS-003")).toEqual(["Orphan"]);
  });

  it("a Terraform queue allowing redrive into it, or given a redrive policy by its own resource in a sibling file, is covered", async () => {
    const { threats } = await analyze(folder("redrive"));
    expect(on(threats, "TL-AWS-SQS-003")).toEqual([]);
    const { threats: withoutPolicy } = await analyze(folder("redrive").filter((f) => f.path.endsWith("queues.tf")));
    expect(on(withoutPolicy, "TL-AWS-SQS-003")).toEqual(["aws_sqs_queue.orders"]);
  });

  it("a WebSocket API is told to authorize $connect only; an HTTP API's $default route still needs authorization", async () => {
    const { threats } = await analyze(folder("websocket"));
    expect(on(threats, "TL-AWS-API-001").sort()).toEqual(["Connect", "HttpDefault"]);
  });
});
