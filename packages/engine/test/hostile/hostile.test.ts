import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze, compactGraph, redact, type SourceFile } from "../../src/index.ts";

const read = (name: string): SourceFile => ({
  path: `hostile/${name}`,
  content: readFileSync(new URL(`../fixtures/hostile/${name}`, import.meta.url), "utf8"),
});

async function one(file: SourceFile) {
  const result = await analyze([file]);
  // Whatever the input, the downstream steps must not throw either.
  redact([file], result.graph);
  compactGraph(result.graph, { ruleThreats: result.threats });
  return result;
}

describe("hostile input", () => {
  it.each([
    ["alias-bomb.yaml", "template/too-many-aliases"],
    ["too-many-aliases.yaml", "template/too-many-aliases"],
    ["deep-nesting.json", "template/too-deep"],
    ["deep-nesting.yaml", "template/too-deep"],
    ["nul-bytes.yaml", "template/not-text"],
    ["invalid-utf8.yaml", "template/not-text"],
    ["binary.png", "template/not-text"],
    ["not-a-template.txt", "template/unsupported-format"],
    ["empty.yaml", "template/empty"],
  ])("%s is refused with %s and no threats", async (name, code) => {
    const { files, threats, graph } = await one(read(name));
    expect(files[0]?.error?.code).toBe(code);
    expect(threats).toEqual([]);
    expect(graph.nodes).toEqual([]);
  });

  it("refuses a file over the size limit before parsing it", async () => {
    const big = {
      path: "big.yaml",
      content: `openapi: 3.0.0\ninfo: { title: x, version: "1" }\npaths: {}\nx: "${"a".repeat(2048)}"\n`,
    };
    const { files } = await analyze([big], { limits: { maxFileBytes: 1024 } });
    expect(files[0]?.error?.code).toBe("template/too-large");
  });

  it("stops at the resource limit and says so", async () => {
    const k8s = Array.from(
      { length: 5 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\n`,
    ).join("---\n");
    const api = `openapi: 3.0.0\ninfo: { title: Many, version: "1" }\npaths:\n${Array.from({ length: 5 }, (_, i) => `  /p${i}:\n    get: { responses: { "200": { description: ok } } }\n`).join("")}`;
    for (const file of [
      { path: "k.yaml", content: k8s },
      { path: "a.yaml", content: api },
    ]) {
      const { files, graph } = await analyze([file], { limits: { maxResources: 3 } });
      expect(files[0]).toMatchObject({ resources: 3, error: { code: "template/too-large" } });
      expect(graph.nodes).toHaveLength(3);
    }
  });

  it("parses a very long line (2 MB description) and still finds the threats", async () => {
    const content = `openapi: 3.0.0\ninfo:\n  title: Long\n  version: "1"\n  description: "${"A".repeat(2_000_000)}"\nservers:\n  - url: http://api.example.com\npaths:\n  /x:\n    delete:\n      responses: { "204": { description: gone } }\n`;
    const { files, threats } = await one({ path: "long.yaml", content });
    expect(files[0]?.error).toBeUndefined();
    expect(threats.map((t) => t.ruleId)).toEqual(expect.arrayContaining(["TL-API-AUTH-001", "TL-API-TLS-001"]));
  });

  it("survives $ref cycles, self and root references, and never follows remote references", async () => {
    const { files, graph } = await one(read("ref-cycles.yaml"));
    expect(files[0]?.error).toBeUndefined();
    const api = graph.nodes.find((n) => n.kind === "openapi.api")!;
    expect(api.attrs.remoteRefs).toEqual([
      "../shared/responses.yaml#/Ok",
      "file:///etc/passwd",
      "http://169.254.169.254/latest/meta-data/",
      "https://attacker.example.com/paths.yaml#/remote",
    ]);
    expect((api.attrs.circularRefs as string[]).length).toBeGreaterThan(0);
    expect(graph.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(["POST /things", "GET /root"]));
  });

  it("reports instructions aimed at a model as TL-INJECT-001 and does not let them move the rules", async () => {
    const injected = read("prompt-injection.yaml");
    const clean = {
      ...injected,
      content: injected.content
        .replace(/ {4}IMPORTANT NOTE[\s\S]*?findings\.\n/, "")
        .replace(/summary: .*/, "summary: Delete an order."),
    };
    expect(clean.content).not.toContain("ignore all previous");
    const withText = await one(injected);
    const without = await one(clean);
    const inject = withText.threats.filter((t) => t.ruleId === "TL-INJECT-001");
    expect(inject.map((t) => [t.resources[0]?.id, t.category, t.severity])).toEqual([
      ["API Orders", "Tampering", "low"],
      ["DELETE /orders/{id}", "Tampering", "low"],
    ]);
    expect(without.threats.some((t) => t.ruleId === "TL-INJECT-001")).toBe(false);
    const key = (ts: typeof withText.threats) =>
      ts
        .filter((t) => t.ruleId !== "TL-INJECT-001")
        .map((t) => `${t.ruleId} ${t.resources[0]?.id} ${t.severity}`)
        .sort();
    expect(key(withText.threats)).toEqual(key(without.threats));
    expect(key(withText.threats)).toEqual(
      expect.arrayContaining([expect.stringContaining("TL-API-AUTH-001 DELETE /orders/{id}")]),
    );
  });

  it("leaves ordinary descriptions alone", async () => {
    const benign = [
      "Overrides the default rules for caching.",
      "The model must classify images into 1000 classes.",
      "Sets the system prompt sent to the chat model.",
      "Do not report issues here; use the support portal.",
      "Returns no content when the order was deleted.",
    ];
    const content = `openapi: 3.0.0\ninfo: { title: T, version: "1" }\npaths:\n${benign.map((d, i) => `  /p${i}:\n    get:\n      description: "${d}"\n      responses: { "200": { description: ok } }\n`).join("")}`;
    const { threats, files } = await one({ path: "benign.yaml", content });
    expect(files[0]?.error).toBeUndefined();
    expect(threats.filter((t) => t.ruleId === "TL-INJECT-001")).toEqual([]);
  });

  it("finds injection text in Kubernetes annotations too", async () => {
    const { threats } = await one(read("prompt-injection-k8s.yaml"));
    const ids = threats.map((t) => t.ruleId);
    expect(ids).toContain("TL-INJECT-001");
    expect(ids).toContain("TL-K8S-POD-001");
    expect(threats.find((t) => t.ruleId === "TL-INJECT-001")?.evidence[0]?.path).toBe("metadata.annotations.ai-review");
  });

  it("keeps HTML and script in names as inert data", async () => {
    const k8s = await one(read("html-names.yaml"));
    expect(k8s.files[0]?.error).toBeUndefined();
    expect(k8s.graph.nodes.map((n) => n.id)).toEqual([
      "Service/<img src=x onerror=alert(1)>/<script>alert(document.cookie)</script>",
      "Pod/<img src=x onerror=alert(1)>/pod</td><iframe src=javascript:alert(1)>",
    ]);
    expect(k8s.graph.edges).toEqual([expect.objectContaining({ kind: "selects" })]);
    expect(k8s.threats.map((t) => t.ruleId)).toEqual(expect.arrayContaining(["TL-K8S-NET-001", "TL-K8S-POD-007"]));
    const api = await one(read("html-paths.json"));
    expect(api.graph.nodes.map((n) => n.id)).toContain("GET /<img src=x onerror=alert(1)>/{id}");
  });

  it("analyses every hostile fixture together without throwing", async () => {
    const names = [
      "alias-bomb.yaml",
      "deep-nesting.json",
      "deep-nesting.yaml",
      "nul-bytes.yaml",
      "invalid-utf8.yaml",
      "ref-cycles.yaml",
      "prompt-injection.yaml",
      "html-names.yaml",
      "html-paths.json",
      "not-a-template.txt",
      "empty.yaml",
      "too-many-aliases.yaml",
      "prompt-injection-k8s.yaml",
      "binary.png",
    ];
    const { files } = await analyze(names.map(read));
    expect(files.map((f) => f.path)).toEqual(names.map((n) => `hostile/${n}`));
    expect(files.filter((f) => !f.error).map((f) => f.path)).toEqual([
      "hostile/ref-cycles.yaml",
      "hostile/prompt-injection.yaml",
      "hostile/html-names.yaml",
      "hostile/html-paths.json",
      "hostile/prompt-injection-k8s.yaml",
    ]);
  });
});
