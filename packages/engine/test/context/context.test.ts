import { readFileSync, readdirSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze, type SourceFile } from "../../src/index.ts";

/** The files of a fixture folder, with paths relative to the fixtures root (as the CLI and worker hand them). */
function folder(name: string): SourceFile[] {
  const dir = new URL(`../fixtures/context/${name}/`, import.meta.url);
  return readdirSync(dir)
    .sort()
    .map((f) => ({ path: `${name}/${f}`, content: readFileSync(new URL(f, dir), "utf8") }));
}

/** Every file under a fixture folder, recursively (a kustomize `base/` + `overlays/<env>/` layout). */
function tree(name: string): SourceFile[] {
  const root = new URL(`../fixtures/context/${name}/`, import.meta.url);
  const walk = (rel: string): string[] =>
    readdirSync(new URL(rel, root))
      .sort()
      .flatMap((f) => (statSync(new URL(`${rel}${f}`, root)).isDirectory() ? walk(`${rel}${f}/`) : [`${rel}${f}`]));
  return walk("").map((f) => ({ path: `${name}/${f}`, content: readFileSync(new URL(f, root), "utf8") }));
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

  it("a namespace without NetworkPolicy is one threat for the folder, carried by its first file, not one per file", async () => {
    const deployment = (name: string) => ({
      path: `shop/${name}.yaml`,
      content: `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [{ name: app, image: "registry.example.com/${name}:1.0" }]
`,
    });
    const files = [deployment("cart"), deployment("api"), deployment("web")];
    expect(on((await analyze(files)).threats, "TL-K8S-NET-002")).toEqual(["Deployment/shop/api"]);
    const first = await analyze(files, { focus: ["shop/api.yaml"] });
    const threat = first.threats.find((t) => t.ruleId === "TL-K8S-NET-002");
    expect(threat?.resources.map((r) => r.id)).toEqual([
      "Deployment/shop/api",
      "Deployment/shop/cart",
      "Deployment/shop/web",
    ]);
    for (const other of ["shop/cart.yaml", "shop/web.yaml"]) {
      const { threats } = await analyze(files, { focus: [other] });
      expect(on(threats, "TL-K8S-NET-002"), other).toEqual([]);
    }
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

  it("kustomize patches of the folder apply before the rules: limits and a securityContext set by a patch count", async () => {
    const files = folder("kustomize-overlay");
    const patched = await analyze(files);
    expect(patched.threats.map((t) => t.ruleId)).toEqual([]);
    // The patches are not resources of their own (no half-written Deployment to report on).
    expect(patched.files.map((f) => [f.path, f.resources, f.error?.code ?? null])).toEqual([
      ["kustomize-overlay/deployment.yaml", 1, null],
      ["kustomize-overlay/kustomization.yaml", 1, null],
      ["kustomize-overlay/limits.yaml", 0, null],
      ["kustomize-overlay/network-policy.yaml", 1, null],
      ["kustomize-overlay/security.yaml", 0, null],
    ]);
    const alone = await analyze(files.filter((f) => f.path.endsWith("deployment.yaml")));
    expect(on(alone.threats, "TL-K8S-POD-006")).toEqual(["Deployment/shop/api"]);
    expect(on(alone.threats, "TL-K8S-POD-004")).toEqual(["Deployment/shop/api"]);
  });

  it("a patch that targets another workload changes nothing; a patch that weakens one is evidenced where it is written", async () => {
    const { threats } = await analyze(folder("kustomize-none"), { focus: ["kustomize-none/deployment.yaml"] });
    expect(on(threats, "TL-K8S-POD-006")).toEqual(["Deployment/shop/api"]);
    // At the resource's declaration (its nearest declared line) first, the patch as the related location.
    const privileged = threats.find((t) => t.ruleId === "TL-K8S-POD-001")!;
    expect(privileged.evidence.slice(0, 2)).toEqual([
      {
        file: "kustomize-none/deployment.yaml",
        line: 14,
        path: "spec.template.spec.containers.0.securityContext.privileged",
      },
      {
        file: "kustomize-none/privileged.yaml",
        line: 12,
        path: "spec.template.spec.containers.0.securityContext.privileged",
      },
    ]);
  });

  it("JSON 6902 patches (a file of operations, or inline with a target) apply too", async () => {
    const { threats, files } = await analyze(folder("kustomize-json"));
    expect(on(threats, "TL-K8S-POD-006")).toEqual([]);
    expect(threats.find((t) => t.ruleId === "TL-K8S-POD-004")!.description).toContain("in `proxy`.");
    expect(files.find((f) => f.path.endsWith("limits-ops.yaml"))).toEqual({
      path: "kustomize-json/limits-ops.yaml",
      format: "kubernetes",
      resources: 0,
    });
  });

  it("CloudFormation: a sibling template's bucket policy (by literal name or imported export) and redrive source count", async () => {
    const files = folder("cfn-siblings");
    const data = await analyze(files, { focus: ["cfn-siblings/data.yaml"] });
    // The TLS-only policy for acme-app-data is in policies.yaml; the queue redriving into orders-failed too.
    expect(on(data.threats, "TL-AWS-S3-010")).not.toContain("DataBucket");
    expect(on(data.threats, "TL-AWS-SQS-003")).toEqual(["Unrelated"]);
    // The policy imported by export name makes SharedBucket public: reported on the bucket, at the statement.
    const shared = data.threats.find((t) => t.ruleId === "TL-AWS-S3-003")!;
    expect(shared.resources.map((r) => [r.id, r.file])).toEqual([
      ["SharedBucket", "cfn-siblings/data.yaml"],
      ["SharedBucketPolicy", "cfn-siblings/policies.yaml"],
    ]);
    expect(shared.evidence[0]).toMatchObject({ file: "cfn-siblings/policies.yaml", line: 25 });
    // Only the analysed template's resources have threats, with their own ids (both templates declare `Logs`).
    expect(data.threats.every((t) => t.resources[0]!.file === "cfn-siblings/data.yaml")).toBe(true);
    const alone = await analyze(files.filter((f) => f.path.endsWith("data.yaml")));
    expect(on(alone.threats, "TL-AWS-S3-010")).toContain("DataBucket");
    expect(on(alone.threats, "TL-AWS-SQS-003").sort()).toEqual(["OrdersFailed", "Unrelated"]);
    expect(on(alone.threats, "TL-AWS-S3-003")).toEqual([]);
    const logsAlone = alone.threats.filter((t) => t.resources[0]!.id === "Logs").map((t) => t.fingerprint);
    const logsWith = data.threats.filter((t) => t.resources[0]!.id === "Logs").map((t) => t.fingerprint);
    expect(logsWith.length).toBeGreaterThan(0);
    expect(logsAlone).toEqual(expect.arrayContaining(logsWith));
  });

  it("CloudFormation: the policy's own template does not report the public bucket a second time", async () => {
    const files = folder("cfn-siblings");
    const policies = await analyze(files, { focus: ["cfn-siblings/policies.yaml"] });
    expect(on(policies.threats, "TL-AWS-S3-003")).toEqual([]);
    expect(policies.threats.every((t) => t.resources[0]!.file === "cfn-siblings/policies.yaml")).toBe(true);
    // Alone, it cannot tell whose bucket it opens, and says so on the policy.
    const alone = await analyze(files.filter((f) => f.path.endsWith("policies.yaml")));
    expect(on(alone.threats, "TL-AWS-S3-003")).toEqual(["SharedBucketPolicy"]);
  });

  it("CloudFormation: an export name built by Fn::Sub from parameter defaults links, and so does a Ref to a parameter naming the bucket", async () => {
    const files = folder("cfn-siblings-sub");
    const data = await analyze(files, { focus: ["cfn-siblings-sub/data.yaml"] });
    // `!ImportValue !Sub "${Env}-shared-bucket"` = the export `!Sub "${Env}-shared-bucket"` (Env defaults to prod).
    const shared = data.threats.find((t) => t.ruleId === "TL-AWS-S3-003")!;
    expect(shared.resources.map((r) => r.id)).toEqual(["SharedBucket", "SharedBucketPolicy"]);
    expect(shared.evidence[0]).toMatchObject({ file: "cfn-siblings-sub/policies.yaml", line: 27 });
    // `Bucket: !Ref LogsBucketName` whose default is the bucket's literal name.
    expect(on(data.threats, "TL-AWS-S3-004")).toEqual(["LogsBucket"]);
    // A name that needs a pseudo parameter (`${AWS::StackName}`) is not resolved: nothing links to StackBucket.
    const policies = await analyze(files, { focus: ["cfn-siblings-sub/policies.yaml"] });
    expect(on(policies.threats, "TL-AWS-S3-003")).toEqual(["StackBucketPolicy"]);
    expect(on(data.threats, "TL-AWS-S3-003")).toEqual(["SharedBucket"]);
  });

  describe("kustomize overlays (base/ + overlays/<env>/ rendering ../../base)", () => {
    const files = tree("kustomize-layered");
    const under = (dir: string) => files.filter((f) => f.path.startsWith(`kustomize-layered/${dir}/`));
    // As the CLI and the worker call it: one folder in focus, the folders its kustomization renders as context.
    const overlay = (env: string) =>
      analyze([...under(`overlays/${env}`), ...under("base")], {
        focus: under(`overlays/${env}`).map((f) => f.path),
      });

    it("the base alone reports its own weaknesses, on its own resources", async () => {
      const { threats } = await analyze(under("base"));
      expect(threats.map((t) => [t.ruleId, t.resources[0]!.id]).sort()).toEqual([
        ["TL-K8S-NET-002", "Deployment/default/api"],
        ["TL-K8S-POD-006", "Deployment/default/api"],
      ]);
    });

    it("an overlay is analysed as rendered: its patch, namespace, prefix and labels apply to the base's resources", async () => {
      const prod = await overlay("prod");
      // Limits from the overlay's patch; its own NetworkPolicy lands in the overlay's namespace, with the pods.
      expect(prod.threats.map((t) => t.ruleId)).toEqual([]);
      const ids = prod.graph.nodes.map((n) => n.id).sort();
      expect(ids).toEqual(
        expect.arrayContaining([
          "Deployment/shop-prod/prod-api",
          "NetworkPolicy/shop-prod/prod-api",
          "Service/shop-prod/prod-api",
        ]),
      );
      expect(ids.filter((id) => id.includes("/default/") && !id.startsWith("Kustomization/"))).toEqual([]);
      const deployment = prod.graph.nodes.find((n) => n.id === "Deployment/shop-prod/prod-api")!;
      expect(deployment).toMatchObject({
        file: "kustomize-layered/base/deployment.yaml",
        line: 1,
        renderedBy: "kustomize-layered/overlays/prod/kustomization.yaml",
        declaredId: "Deployment/default/api",
      });
      // commonLabels reach the selectors, so the Service still selects the pods and the policy still names them.
      expect(prod.graph.edges).toContainEqual(
        expect.objectContaining({ from: "Service/shop-prod/prod-api", to: "Deployment/shop-prod/prod-api" }),
      );
      const policy = prod.graph.nodes.find((n) => n.id === "NetworkPolicy/shop-prod/prod-api")!;
      expect(policy.attrs.podSelector).toEqual({ app: "api", env: "prod" });
      // Without the overlay, the same folder with the base's weaknesses.
      const plain = await analyze(under("overlays/prod"));
      expect(plain.graph.nodes.some((n) => n.kind === "k8s.workload")).toBe(false);
    });

    it("an overlay reports what it changes, at the base's declaration with its patch as related location, not the base's weaknesses again", async () => {
      const dev = await overlay("dev");
      expect(dev.threats.map((t) => [t.ruleId, t.resources[0]!.id])).toEqual([
        ["TL-K8S-POD-001", "Deployment/shop-dev/api"],
      ]);
      const privileged = dev.threats[0]!;
      expect(privileged.evidence).toEqual([
        {
          file: "kustomize-layered/base/deployment.yaml",
          line: 20,
          path: "spec.template.spec.containers.0.securityContext.privileged",
        },
        {
          file: "kustomize-layered/overlays/dev/debug.yaml",
          line: 11,
          path: "spec.template.spec.containers.0.securityContext.privileged",
        },
      ]);
      // The base's own threats are not there (no limits, no NetworkPolicy in shop-dev either: the base's gap).
      const base = await analyze(under("base"));
      const baseFingerprints = new Set(base.threats.map((t) => t.fingerprint));
      expect(dev.threats.some((t) => baseFingerprints.has(t.fingerprint))).toBe(false);
      // Two overlays writing the same weakness on an unrenamed resource keep one fingerprint each.
      const again = await analyze([...under("overlays/dev"), ...under("base")]);
      expect(again.threats.map((t) => t.fingerprint)).toEqual(dev.threats.map((t) => t.fingerprint));
    });

    it("a kustomization never names a folder outside the project, nor a remote base", async () => {
      const outside = [
        {
          path: "k/overlays/x/kustomization.yaml",
          content: "resources:\n  - ../../../../etc\n  - github.com/acme/base?ref=v1\n  - https://example.com/base\n",
        },
        ...under("base").map((f) => ({ ...f, path: f.path.replace("kustomize-layered/", "etc/") })),
      ];
      const result = await analyze(outside, { focus: ["k/overlays/x/kustomization.yaml"] });
      expect(result.graph.nodes.filter((n) => n.renderedBy)).toEqual([]);
    });
  });
});
