import type { EdgeKind, GraphEdge, GraphNode } from "../graph/types.ts";
import { SPEC_BY_KIND, SPEC_BY_TYPE, otherKind, pathOf } from "./kinds/index.ts";
import type { InlinePolicy } from "./kinds/identity.ts";
import { privilegeOf, statements, type Statement } from "./policy.ts";
import { list, pushTo, type RawResource } from "./values.ts";

/**
 * Turns parsed resources into graph nodes with AWS kinds and normalized attrs, folds companion resources into
 * the resources they configure, and links what only the whole template shows: effective IAM privileges,
 * public subnets, and the `routes-to` paths traffic takes (load balancer → listener → target group →
 * instances, API → integration → function, distribution → origin).
 */
export function buildAwsGraph(
  raws: readonly RawResource[],
  rawEdges: readonly GraphEdge[],
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  const rawById = new Map<string, RawResource>();
  for (const raw of raws) {
    const entry = SPEC_BY_TYPE.get(raw.type);
    let attrs: Record<string, unknown> = {};
    if (entry) {
      try {
        attrs = entry.normalize(raw.body, raw);
      } catch {
        // A body shaped unlike the schema (hostile or broken input) keeps the node, without attrs.
        attrs = {};
      }
    }
    const node: GraphNode = {
      id: raw.id,
      type: raw.type,
      kind: entry?.spec.kind ?? otherKind(raw.type),
      format: raw.format,
      file: raw.file,
      line: raw.line,
      attrs,
      properties: raw.properties,
      propertyLines: raw.propertyLines,
      ...(raw.multiplicity ? { multiplicity: raw.multiplicity } : {}),
    };
    nodes.push(node);
    if (!byId.has(node.id)) byId.set(node.id, node);
    rawById.set(raw.id, raw);
  }

  const edges = dedupe(rawEdges.filter((e) => byId.has(e.from) && byId.has(e.to) && e.from !== e.to));
  const graph = new Linker(nodes, byId, rawById, edges);
  graph.fold();
  graph.linkIam();
  graph.linkNetwork();
  graph.linkRouting();
  return { nodes, edges: dedupe([...edges, ...graph.added]) };
}

/**
 * Records where the companion writes the values it folded into `target`, for the target's evidence: the
 * companion's property of the same path (`acl` of `aws_s3_bucket_acl`), else the companion's declaration.
 */
function noteOrigins(target: GraphNode, companion: GraphNode): void {
  for (const attr of Object.keys(companion.attrs)) {
    const path = pathOf(target, attr);
    if (path === "" || path in target.propertyLines) continue;
    const own = [path, pathOf(companion, attr)].find((p) => p !== "" && p in companion.propertyLines);
    (target.origins ??= {})[path] = {
      file: companion.file,
      line: own === undefined ? companion.line : companion.propertyLines[own]!,
      path: own ?? "",
    };
  }
}

function dedupe(edges: readonly GraphEdge[]): GraphEdge[] {
  const seen = new Set<string>();
  const out: GraphEdge[] = [];
  for (const e of edges) {
    const key = `${e.from}\u0000${e.to}\u0000${e.kind}\u0000${e.via ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

/**
 * Whether literal values name a resource: its name itself, or an ARN or URL that ends with it
 * (`arn:aws:sns:us-east-1:111122223333:alerts`, `https://sqs.us-east-1.amazonaws.com/111122223333/jobs`).
 */
function namedBy(values: readonly string[], name: unknown): boolean {
  if (typeof name !== "string" || name === "") return false;
  return values.some((v) => v === name || v.endsWith(`:${name}`) || v.endsWith(`/${name}`));
}

/** The property an edge leaves from, without CloudFormation's `Properties.` and list indexes. */
export function viaKey(via: string | undefined): string {
  if (!via) return "";
  const parts = via.split(".").filter((p) => p !== "Properties" && !/^\d+$/.test(p));
  return parts[0] ?? "";
}

const API_KINDS = new Set(["aws.apigateway.rest-api", "aws.apigateway.http-api"]);
const API_PARTS = new Set(["aws.apigateway.method", "aws.apigateway.integration"]);
const ROUTABLE = new Set([
  "aws.lambda.function",
  "aws.elb.load-balancer",
  "aws.ec2.instance",
  "aws.autoscaling.group",
  "aws.ecs.service",
  "aws.s3.bucket",
  "aws.apigateway.rest-api",
  "aws.apigateway.http-api",
  "aws.apigateway.integration",
  "aws.sqs.queue",
  "aws.sns.topic",
  "aws.dynamodb.table",
]);
const IDENTITY_KINDS = new Set(["aws.iam.role", "aws.iam.user", "aws.iam.group"]);

class Linker {
  readonly added: GraphEdge[] = [];
  private readonly out = new Map<string, GraphEdge[]>();
  private readonly in = new Map<string, GraphEdge[]>();
  private readonly byKind = new Map<string, GraphNode[]>();

  constructor(
    private readonly nodes: GraphNode[],
    private readonly byId: Map<string, GraphNode>,
    private readonly raws: Map<string, RawResource>,
    edges: GraphEdge[],
  ) {
    for (const e of edges) this.index(e);
    for (const n of nodes) pushTo(this.byKind, n.kind, n);
  }

  private index(e: GraphEdge): void {
    pushTo(this.out, e.from, e);
    pushTo(this.in, e.to, e);
  }

  private add(from: string, to: string, kind: EdgeKind, via?: string): void {
    if (from === to) return;
    const edge: GraphEdge = via === undefined ? { from, to, kind } : { from, to, kind, via };
    this.added.push(edge);
    this.index(edge);
  }

  private kind(kind: string): GraphNode[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Nodes `id` references through one of the given properties, of one of the given kinds. */
  private targets(
    id: string,
    via: readonly string[] | null,
    kinds?: ReadonlySet<string> | readonly string[],
  ): GraphNode[] {
    const allowed = kinds === undefined ? undefined : new Set(kinds);
    const out: GraphNode[] = [];
    for (const e of this.out.get(id) ?? []) {
      if (via !== null && !via.includes(viaKey(e.via))) continue;
      const target = this.byId.get(e.to);
      if (target && (!allowed || allowed.has(target.kind)) && !out.includes(target)) out.push(target);
    }
    return out;
  }

  private sources(id: string, via: readonly string[] | null, kinds?: readonly string[]): GraphNode[] {
    const out: GraphNode[] = [];
    for (const e of this.in.get(id) ?? []) {
      if (via !== null && !via.includes(viaKey(e.via))) continue;
      const source = this.byId.get(e.from);
      if (source && (!kinds || kinds.includes(source.kind)) && !out.includes(source)) out.push(source);
    }
    return out;
  }

  fold(): void {
    for (const node of this.nodes) {
      const spec = SPEC_BY_KIND.get(node.kind);
      if (!spec?.fold) continue;
      for (const fold of spec.fold) {
        let targets = this.targets(node.id, fold.via, fold.into);
        if (targets.length === 0 && fold.byName) {
          const body = this.raws.get(node.id)?.body ?? {};
          const names = fold.via.flatMap((key) => list(body[key])).filter((v): v is string => typeof v === "string");
          targets = fold.into
            .flatMap((k) => this.kind(k))
            .filter((t) => t.format === node.format && namedBy(names, t.attrs[fold.byName!]));
          for (const t of targets) this.add(node.id, t.id, "references", fold.via[0]);
        }
        for (const target of targets) {
          try {
            fold.apply(target, node);
            noteOrigins(target, node);
          } catch {
            // A companion with an unexpected shape leaves its target as it was.
          }
        }
      }
    }
  }

  /** Effective privileges of roles, users and groups, from inline, attached and group policies. */
  linkIam(): void {
    const docs = new Map<string, { statements: Statement[]; managed: string[] }>();
    const grant = (identity: GraphNode, document: unknown, managed: string[] = []): void => {
      const entry = docs.get(identity.id) ?? { statements: [], managed: [] };
      entry.statements.push(...statements(document));
      entry.managed.push(...managed);
      docs.set(identity.id, entry);
    };
    const identities = this.nodes.filter((n) => IDENTITY_KINDS.has(n.kind));
    const BOUNDARY = ["PermissionsBoundary", "permissions_boundary"];
    const granted = new Set<string>();
    const boundaries = new Set<string>();
    for (const identity of identities) {
      for (const p of (identity.attrs.inlinePolicies as InlinePolicy[] | undefined) ?? []) grant(identity, p.document);
      grant(identity, undefined, (identity.attrs.managedPolicyArns as string[] | undefined) ?? []);
      for (const p of this.targets(identity.id, BOUNDARY, ["aws.iam.policy"])) boundaries.add(p.id);
      for (const policy of this.targets(identity.id, null, ["aws.iam.policy"])) {
        // A permissions boundary limits the identity; it grants nothing.
        const grants = (this.out.get(identity.id) ?? []).some(
          (e) => e.to === policy.id && !BOUNDARY.includes(viaKey(e.via)),
        );
        if (!grants) continue;
        granted.add(policy.id);
        grant(identity, policy.attrs.document);
      }
    }
    for (const policy of this.kind("aws.iam.policy")) {
      if (this.targets(policy.id, null, [...IDENTITY_KINDS]).length > 0) granted.add(policy.id);
      for (const identity of this.targets(policy.id, null, [...IDENTITY_KINDS])) {
        grant(identity, policy.attrs.document);
        this.add(identity.id, policy.id, "iam-policy");
      }
    }
    for (const attachment of this.kind("aws.iam.policy-attachment")) {
      const policies = this.targets(attachment.id, null, ["aws.iam.policy"]);
      for (const p of policies) granted.add(p.id);
      const arn = typeof attachment.attrs.policyArn === "string" ? [attachment.attrs.policyArn] : [];
      for (const identity of this.targets(attachment.id, null, [...IDENTITY_KINDS])) {
        grant(identity, undefined, arn);
        if (arn.length > 0) {
          identity.attrs.managedPolicyArns = [
            ...((identity.attrs.managedPolicyArns as string[] | undefined) ?? []),
            ...arn,
          ];
        }
        for (const policy of policies) {
          grant(identity, policy.attrs.document);
          this.add(identity.id, policy.id, "iam-policy", attachment.id);
        }
      }
    }
    // Users inherit their groups' policies.
    const memberships: Array<[GraphNode, GraphNode]> = [];
    for (const m of this.kind("aws.iam.group-membership")) {
      const users = this.targets(m.id, null, ["aws.iam.user"]);
      for (const group of this.targets(m.id, null, ["aws.iam.group"]))
        for (const u of users) memberships.push([u, group]);
    }
    for (const user of this.kind("aws.iam.user")) {
      for (const group of this.targets(user.id, ["Groups"], ["aws.iam.group"])) memberships.push([user, group]);
    }
    for (const [user, group] of memberships) {
      const inherited = docs.get(group.id);
      if (!inherited) continue;
      const entry = docs.get(user.id) ?? { statements: [], managed: [] };
      entry.statements.push(...inherited.statements);
      entry.managed.push(...inherited.managed);
      docs.set(user.id, entry);
    }
    for (const id of boundaries) {
      const policy = this.byId.get(id);
      if (policy && !granted.has(id)) policy.attrs.boundaryOnly = true;
    }
    for (const identity of identities) {
      const entry = docs.get(identity.id) ?? { statements: [], managed: [] };
      identity.attrs.privilege = privilegeOf(entry.statements, entry.managed);
      identity.attrs.admin = identity.attrs.privilege === "admin";
    }
    for (const fn of this.kind("aws.lambda.function")) {
      const inline = (fn.attrs.inlinePolicies as InlinePolicy[] | undefined) ?? [];
      const managed = (fn.attrs.managedPolicyArns as string[] | undefined) ?? [];
      if (inline.length === 0 && managed.length === 0) continue;
      fn.attrs.privilege = privilegeOf(
        inline.flatMap((p) => statements(p.document)),
        managed,
      );
      fn.attrs.admin = fn.attrs.privilege === "admin";
    }
  }

  /** Public route tables and subnets; launch template settings on the instances that use them. */
  linkNetwork(): void {
    const toInternet = (cidr: unknown): boolean => cidr === "0.0.0.0/0" || cidr === "::/0";
    const viaGateway = (node: GraphNode, gateway: unknown, via: string[]): boolean =>
      (typeof gateway === "string" && gateway.startsWith("igw-")) ||
      this.targets(node.id, via, ["aws.ec2.internet-gateway"]).length > 0;
    const publicTables = new Set<string>();
    for (const table of [...this.kind("aws.ec2.route-table")]) {
      const routes = (table.attrs.routes as Array<{ cidr: unknown; gateway: unknown }> | undefined) ?? [];
      if (routes.some((r) => toInternet(r.cidr) && viaGateway(table, r.gateway, ["route"]))) publicTables.add(table.id);
    }
    for (const route of this.kind("aws.ec2.route")) {
      if (!toInternet(route.attrs.cidr) || !viaGateway(route, route.attrs.gateway, ["GatewayId", "gateway_id"]))
        continue;
      for (const table of this.targets(route.id, ["RouteTableId", "route_table_id"], ["aws.ec2.route-table"]))
        publicTables.add(table.id);
    }
    for (const table of this.kind("aws.ec2.route-table")) table.attrs.public = publicTables.has(table.id);
    for (const assoc of this.kind("aws.ec2.route-table-association")) {
      const tables = this.targets(assoc.id, null, ["aws.ec2.route-table"]);
      if (!tables.some((t) => publicTables.has(t.id))) continue;
      for (const subnet of this.targets(assoc.id, null, ["aws.ec2.subnet"])) subnet.attrs.public = true;
    }
    for (const instance of this.kind("aws.ec2.instance")) {
      if (instance.attrs.imdsTokens !== undefined) continue;
      const template = this.targets(instance.id, ["LaunchTemplate", "launch_template"], ["aws.ec2.launch-template"])[0];
      if (template) {
        instance.attrs.imdsTokens = template.attrs.imdsTokens;
        instance.attrs.hopLimit = template.attrs.hopLimit;
      }
    }
  }

  /** `routes-to` edges: the way requests travel from an entry point to what serves them. */
  linkRouting(): void {
    const ALL = null;
    for (const listener of this.kind("aws.elb.listener")) {
      const lbs = this.targets(listener.id, ["LoadBalancerArn", "load_balancer_arn"], ["aws.elb.load-balancer"]);
      for (const lb of lbs) {
        this.add(lb.id, listener.id, "routes-to");
        listener.attrs.lbType = lb.attrs.lbType;
        listener.attrs.internetFacing = lb.attrs.internetFacing;
      }
      for (const tg of this.targets(listener.id, ALL, ["aws.elb.target-group"]))
        this.add(listener.id, tg.id, "routes-to");
    }
    for (const rule of this.kind("aws.elb.listener-rule")) {
      const groups = this.targets(rule.id, ALL, ["aws.elb.target-group"]);
      for (const listener of this.targets(rule.id, ["ListenerArn", "listener_arn"], ["aws.elb.listener"])) {
        for (const tg of groups) this.add(listener.id, tg.id, "routes-to", rule.id);
      }
    }
    const COMPUTE = [
      "aws.ec2.instance",
      "aws.autoscaling.group",
      "aws.ecs.service",
      "aws.lambda.function",
      "aws.elb.load-balancer",
    ];
    for (const tg of this.kind("aws.elb.target-group")) {
      for (const target of this.targets(tg.id, ["Targets"], COMPUTE)) this.add(tg.id, target.id, "routes-to");
      for (const source of this.sources(tg.id, ALL, ["aws.autoscaling.group", "aws.ecs.service"]))
        this.add(tg.id, source.id, "routes-to");
    }
    for (const attachment of this.kind("aws.elb.target-attachment")) {
      const groups = this.targets(attachment.id, ALL, ["aws.elb.target-group"]);
      const lbs = this.targets(attachment.id, ALL, ["aws.elb.load-balancer"]);
      for (const target of this.targets(
        attachment.id,
        ALL,
        COMPUTE.filter((k) => k !== "aws.elb.load-balancer"),
      )) {
        for (const from of [...groups, ...lbs]) this.add(from.id, target.id, "routes-to", attachment.id);
      }
    }
    for (const lb of this.kind("aws.elb.load-balancer")) {
      if (lb.attrs.lbType !== "classic") continue;
      for (const target of this.targets(lb.id, ["Instances", "instances"], ["aws.ec2.instance"]))
        this.add(lb.id, target.id, "routes-to");
      for (const asg of this.sources(lb.id, ["LoadBalancerNames", "load_balancers"], ["aws.autoscaling.group"]))
        this.add(lb.id, asg.id, "routes-to");
    }
    for (const asg of this.kind("aws.autoscaling.group")) {
      for (const launch of this.targets(asg.id, ALL, [
        "aws.ec2.launch-template",
        "aws.autoscaling.launch-configuration",
      ])) {
        this.add(asg.id, launch.id, "routes-to");
      }
    }
    // API Gateway: the API routes to its methods, routes and integrations; they route to their backends.
    const parts = this.nodes.filter((n) => API_PARTS.has(n.kind));
    for (const part of parts) {
      for (const api of this.targets(part.id, ["RestApiId", "ApiId", "rest_api_id", "api_id"], [...API_KINDS])) {
        this.add(api.id, part.id, "routes-to");
      }
      for (const backend of this.targets(
        part.id,
        ALL,
        [...ROUTABLE].filter((k) => !API_KINDS.has(k)),
      )) {
        this.add(part.id, backend.id, "routes-to");
      }
    }
    for (const method of this.kind("aws.apigateway.method")) {
      for (const integration of this.targets(method.id, ["Target", "target"], ["aws.apigateway.integration"])) {
        this.add(method.id, integration.id, "routes-to");
      }
    }
    for (const plan of this.kind("aws.apigateway.usage-plan")) {
      if (!plan.attrs.throttling) continue;
      for (const api of this.targets(plan.id, ALL, [...API_KINDS])) {
        for (const stage of this.sources(api.id, ALL, ["aws.apigateway.stage"])) stage.attrs.throttling = true;
      }
      for (const stage of this.targets(plan.id, ALL, ["aws.apigateway.stage"])) stage.attrs.throttling = true;
    }
    for (const fn of this.kind("aws.lambda.function")) {
      for (const e of this.out.get(fn.id) ?? []) {
        const api = this.byId.get(e.to);
        if (api && API_KINDS.has(api.kind) && (e.via ?? "").includes("Events")) this.add(api.id, fn.id, "routes-to");
      }
    }
    for (const dist of this.kind("aws.cloudfront.distribution")) {
      for (const e of [...(this.out.get(dist.id) ?? [])]) {
        const target = this.byId.get(e.to);
        if (!target || e.kind === "logs-to" || !ROUTABLE.has(target.kind)) continue;
        if (/Logging|logging_config|WebACLId|web_acl_id/.test(e.via ?? "")) continue;
        this.add(dist.id, target.id, "routes-to");
      }
    }
  }
}
