import { describe, expect, it } from "vitest";
import { analyze } from "@threatline/engine";
import type { SystemGraph } from "@threatline/domain";
import { buildSystemGraph, groupUnits } from "@threatline/system";
import { loadProject } from "./load-project.ts";

const edge = (g: SystemGraph, kind: string, from: string, to: string) =>
  g.edges.find((e) => e.kind === kind && e.from === from && e.to === to);
const node = (g: SystemGraph, id: string) => g.nodes.find((n) => n.id === id);

describe("system graph of a multi-file project", () => {
  it("links resources across CloudFormation, Terraform, Kubernetes and OpenAPI by ARNs, names, hostnames and routes", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    // The service account's role ARN annotation names the Terraform role.
    expect(edge(g, "assumes", "k8s/web.yaml#ServiceAccount/shop/web", "app/main.tf#aws_iam_role.orders")).toMatchObject(
      {
        crossFile: true,
      },
    );
    // The role's policy names the CloudFormation bucket by ARN: IAM access across files.
    expect(edge(g, "access", "app/main.tf#aws_iam_role.orders", "data/data.yaml#InvoiceBucket")?.crossFile).toBe(true);
    // The workload's environment names the bucket.
    expect(edge(g, "flow", "k8s/web.yaml#Deployment/shop/web", "data/data.yaml#InvoiceBucket")?.crossFile).toBe(true);
    // The Service's load-balancer-name annotation is the CloudFormation load balancer: traffic flows LB → Service.
    expect(edge(g, "network", "network/network.yaml#WebAlb", "k8s/web.yaml#Service/shop/web")?.label).toContain(
      "shop-web",
    );
    // The gateway route serves the contract's operation; the custom domain is the contract's server.
    expect(edge(g, "serves", "app/main.tf#aws_apigatewayv2_api.shop", "api/openapi.yaml#API Shop orders")?.label).toBe(
      "GET /orders/{orderId}",
    );
    expect(
      edge(g, "serves", "app/main.tf#aws_apigatewayv2_domain_name.shop", "api/openapi.yaml#API Shop orders"),
    ).toBeDefined();
    // "shop-orders" names a table, a function and a role: a bare mention of it is not guessed at.
    expect(g.edges.filter((e) => e.crossFile && e.label === "shop-orders")).toEqual([]);
    // A word like "shop" (the namespace, the API's name) links nothing.
    expect(g.edges.filter((e) => e.label === "shop")).toEqual([]);
  });

  it("draws what configures a resource as part of it, and the engine's data flows and access", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    const alb = node(g, "network/network.yaml#WebAlb")!;
    expect(alb.resources.map((r) => r.id).sort()).toEqual(["WebAlb", "WebListener", "WebSg", "WebTargets"]);
    expect(node(g, "network/network.yaml#WebListener")).toBeUndefined();
    expect(node(g, "app/main.tf#aws_iam_role.orders")!.resources.map((r) => r.id)).toContain(
      "aws_iam_role_policy.orders",
    );
    expect(node(g, "api/openapi.yaml#API Shop orders")!.resources.map((r) => r.id)).toContain("GET /orders/{id}");
    expect(
      edge(g, "flow", "app/main.tf#aws_lambda_function.orders", "app/main.tf#aws_dynamodb_table.orders")?.label,
    ).toBe("TABLE");
    expect(edge(g, "access", "app/main.tf#aws_iam_role.orders", "app/main.tf#aws_dynamodb_table.orders")).toBeDefined();
    expect(
      edge(g, "assumes", "app/main.tf#aws_lambda_function.orders", "app/main.tf#aws_iam_role.orders"),
    ).toBeDefined();
    // The integration's reference to the function is the route's flow, not a second line.
    expect(
      g.edges.filter(
        (e) => e.from === "app/main.tf#aws_apigatewayv2_api.shop" && e.to.endsWith("lambda_function.orders"),
      ),
    ).toHaveLength(1);
    expect(node(g, "data/data.yaml#InvoiceBucket")!.element).toBe("store");
    expect(node(g, "k8s/web.yaml#ServiceAccount/shop/web")!.element).toBe("identity");
  });

  it("nests trust boundaries: subnet tiers in their VPC in the account, namespaces in the cluster", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    const byId = new Map(g.boundaries.map((b) => [b.id, b]));
    const alb = node(g, "network/network.yaml#WebAlb")!;
    const tier = byId.get(alb.boundary!)!;
    expect(tier.kind).toBe("subnet-public");
    expect(byId.get(tier.parent!)!.kind).toBe("vpc");
    expect(byId.get(byId.get(tier.parent!)!.parent!)!.kind).toBe("account");
    expect(byId.get("vpc:network/network.yaml#ShopVpc:private")!.resources.map((r) => r.id)).toEqual([
      "PrivateSubnetA",
    ]);
    expect(node(g, "k8s/web.yaml#Deployment/shop/web")!.boundary).toBe("ns:shop");
    expect(byId.get("ns:shop")!.parent).toBe("cluster:k8s");
    // No EKS cluster is declared: the cluster is not assumed to run in the AWS account.
    expect(byId.get("cluster:k8s")!.parent).toBeNull();
    expect(node(g, "actor:internet")!.boundary).toBe("internet");
  });

  it("puts the internet in front of every entry point the engine found exposed", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    const entries = g.edges.filter((e) => e.from === "actor:internet").map((e) => e.to);
    expect(entries).toEqual(
      expect.arrayContaining([
        "network/network.yaml#WebAlb",
        "k8s/web.yaml#Service/shop/web",
        "app/main.tf#aws_apigatewayv2_api.shop",
      ]),
    );
    expect(node(g, "data/data.yaml#CustomerDb")!.exposed).toBe(false);
    expect(node(g, "app/main.tf#aws_lambda_function.orders")!.exposed).toBe(true);
  });

  it("attaches each per-file threat to the node that draws its resource, and VPC threats to the boundary", async () => {
    const files = loadProject("shop");
    const { threats } = await analyze(files.filter((f) => f.path === "network/network.yaml"));
    const g = await buildSystemGraph(files, { threats });
    const onAlb = node(g, "network/network.yaml#WebAlb")!.threats.map((t) => t.fingerprint);
    // The listener is drawn as part of its load balancer; its outdated TLS is the load balancer's threat.
    const listener = threats.filter((t) => t.resources[0]!.id === "WebListener");
    expect(listener.length).toBeGreaterThan(0);
    for (const t of listener) expect(onAlb).toContain(t.fingerprint);
    const subnet = threats.find((t) => t.resources[0]!.id === "PublicSubnetA")!;
    expect(g.boundaries.find((b) => b.kind === "subnet-public")!.threats.map((t) => t.fingerprint)).toEqual([
      subnet.fingerprint,
    ]);
    const vpcThreats = threats.filter((t) => t.resources[0]!.id === "ShopVpc");
    expect(vpcThreats.length).toBeGreaterThan(0);
    expect(
      g.boundaries.find((b) => b.id === "vpc:network/network.yaml#ShopVpc")!.threats.map((t) => t.fingerprint),
    ).toEqual(expect.arrayContaining(vpcThreats.map((t) => t.fingerprint)));
    const ranks = node(g, "network/network.yaml#WebAlb")!.threats.map((t) =>
      ["critical", "high", "medium", "low", "info"].indexOf(t.severity),
    );
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
  });

  it("reads a Terraform root with the local modules it calls as one unit, and links it to CloudFormation", async () => {
    const files = loadProject("modules");
    expect(groupUnits(files).map((u) => [u.key, u.files.map((f) => f.path).sort()])).toEqual([
      ["live/*.tf", ["live/main.tf", "modules/queue/main.tf"]],
      ["live/iam.yaml", ["live/iam.yaml"]],
    ]);
    const g = await buildSystemGraph(files);
    expect(
      edge(g, "flow", "live/main.tf#aws_lambda_function.worker", "modules/queue/main.tf#module.jobs.aws_sqs_queue.this")
        ?.label,
    ).toBe("QUEUE_URL");
    expect(edge(g, "assumes", "live/main.tf#aws_lambda_function.worker", "live/iam.yaml#WorkerRole")?.crossFile).toBe(
      true,
    );
    // The module's own folder is not drawn a second time under its unqualified address.
    expect(node(g, "modules/queue/main.tf#aws_sqs_queue.this")).toBeUndefined();
  });

  it("is deterministic and records which analysis each file came from", async () => {
    const files = loadProject("shop");
    const a = await buildSystemGraph(files, { analysisOf: { "k8s/web.yaml": "a-1" } });
    const b = await buildSystemGraph([...files].reverse(), { analysisOf: { "k8s/web.yaml": "a-1" } });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.files.find((f) => f.path === "k8s/web.yaml")!.analysisId).toBe("a-1");
    expect(a.files.find((f) => f.path === "data/data.yaml")!.analysisId).toBeNull();
  });

  it("skips a file the engine refuses and draws the rest", async () => {
    const files = [...loadProject("shop"), { path: "broken.yaml", content: "Resources: [unclosed" }];
    const g = await buildSystemGraph(files);
    expect(g.nodes.length).toBeGreaterThan(5);
    expect(g.nodes.some((n) => n.file === "broken.yaml")).toBe(false);
  });
});
