import { describe, expect, it } from "vitest";
import { analyze, compactGraph, estimateTokens } from "../../src/index.ts";
import { cleanManifests, manifests, pod } from "../kubernetes/bases.ts";
import { cleanApi, yaml } from "../openapi/bases.ts";

describe("estimateTokens", () => {
  it("counts words, digits and punctuation, and ignores single spaces", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("bucket")).toBe(2);
    expect(estimateTokens("a b")).toBe(2);
    expect(estimateTokens("{}")).toBe(2);
    expect(estimateTokens("12345")).toBe(2);
    expect(estimateTokens("line\n  next")).toBe(3);
  });

  it("grows with the text", () => {
    const text = yaml(cleanApi());
    expect(estimateTokens(text + text)).toBe(
      2 * estimateTokens(text) + (estimateTokens(text + text) - 2 * estimateTokens(text)),
    );
    expect(estimateTokens(text + text)).toBeGreaterThan(estimateTokens(text));
  });
});

describe("compactGraph", () => {
  it("is deterministic: the same graph gives the same bytes, also after a JSON round trip", async () => {
    const docs = cleanManifests();
    pod(docs).container.securityContext.privileged = true;
    const { graph, threats } = await analyze([{ path: "k.yaml", content: manifests(docs) }]);
    const a = compactGraph(graph, { ruleThreats: threats });
    const b = compactGraph(JSON.parse(JSON.stringify(graph)) as typeof graph, { ruleThreats: threats });
    expect(a).toEqual(b);
    expect(a.tokens).toBe(estimateTokens(a.text));
  });

  it("keeps ids, kinds, exposure, edges and security attributes; drops descriptions, labels and annotations", async () => {
    const docs = cleanManifests();
    docs[1]!.metadata.annotations = { "team.example.com/owner": "payments-squad-unique-marker" };
    const api = cleanApi();
    api.info.description = "A very long description that the model does not need unique-description-marker";
    const { graph, threats } = await analyze([
      { path: "k.yaml", content: manifests(docs) },
      { path: "a.yaml", content: yaml(api) },
    ]);
    const { text } = compactGraph(graph, { ruleThreats: threats });
    expect(text).toContain("## k.yaml\n- ServiceAccount/prod/web [v1/ServiceAccount] L1");
    expect(text).toMatch(/- Deployment\/prod\/web \[apps\/v1\/Deployment\] L\d+ /);
    expect(text).toMatch(/- Deployment\/prod\/web \[apps\/v1\/Deployment\] L\d+ EXPOSED \| /);
    expect(text).toContain("- Ingress: Ingress/prod/web -> Service/prod/web, Deployment/prod/web");
    expect(text).toContain("capDrop=ALL");
    expect(text).toContain("- Service/prod/web -selects-> Deployment/prod/web");
    expect(text).toContain("roRootFs=true");
    expect(text).toMatch(/- GET \/orders\/\{orderId\} \[openapi.operation\] L\d+ /);
    expect(text).not.toContain("unique-marker");
    expect(text).not.toContain("unique-description-marker");
  });

  it("summarises rule findings one line per rule and never prints secret values", async () => {
    const docs = cleanManifests();
    pod(docs).container.env.push({ name: "API_TOKEN", value: "tok-8f3a9c2e7d1b" });
    pod(docs).container.image = "nginx";
    const { graph, threats } = await analyze([{ path: "k.yaml", content: manifests(docs) }]);
    const { text } = compactGraph(graph, { ruleThreats: threats });
    expect(text).toMatch(/# rule findings \d+/);
    expect(text).toContain(
      '- TL-K8S-POD-007 Tampering/high "Image not pinned (latest or untagged)": Deployment/prod/web',
    );
    expect(text).toContain("# hard-coded secrets 1 (values redacted)");
    expect(text).not.toContain("tok-8f3a9c2e7d1b");
    expect(text).toContain("«REDACTED:token:1»");
  });

  it("costs a fraction of the raw template on a large file", async () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      cleanManifests().map((d) => {
        const copy = structuredClone(d);
        copy.metadata.name = `${String(copy.metadata.name)}-${i}`;
        copy.metadata.labels = {
          app: `web-${i}`,
          "app.kubernetes.io/part-of": "shop",
          "app.kubernetes.io/managed-by": "helm",
        };
        copy.metadata.annotations = {
          description: "Serves the shop front end to customers in every region; owned by the web team.",
        };
        return copy;
      }),
    ).flat();
    const raw = manifests(many);
    const { graph } = await analyze([{ path: "big.yaml", content: raw }]);
    const { tokens } = compactGraph(graph);
    expect(tokens).toBeLessThan(estimateTokens(raw) * 0.8);
  });
});
