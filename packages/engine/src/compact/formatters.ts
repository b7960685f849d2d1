import type { GraphNode } from "../graph/types.ts";
import type { ContainerAttrs, WorkloadAttrs } from "../kubernetes/parse.ts";
import type { ApiAttrs, ApiParameter, OperationAttrs, SchemaField, SecurityRequirement } from "../openapi/parse.ts";

/**
 * Dedicated one-line renderings for the kinds that dominate templates (API operations, Kubernetes
 * workloads). They say the same as the generic attribute dump in a third of the tokens, because they know
 * which defaults to leave out and which facts the id already states.
 */

const MAX_FIELDS = 24;

function requirements(reqs: readonly SecurityRequirement[]): string {
  return reqs
    .map((r) =>
      r.schemes.length === 0
        ? "anonymous"
        : r.schemes.map((s) => (s.scopes.length > 0 ? `${s.name}[${s.scopes.join(",")}]` : s.name)).join("+"),
    )
    .join(" or ");
}

function bound(f: {
  type?: string;
  format?: string;
  maxLength?: number;
  maxItems?: number;
  maximum?: number;
  enum?: boolean;
}): string {
  let text = f.format && f.type === "string" ? f.format : (f.type ?? "any");
  if (f.enum) text += "(enum)";
  if (f.maxLength !== undefined) text += `≤${f.maxLength}`;
  if (f.maximum !== undefined) text += `≤${f.maximum}`;
  if (f.maxItems !== undefined) text += `[≤${f.maxItems}]`;
  return text;
}

function field(f: SchemaField): string {
  return `${f.name}:${bound(f)}${f.readOnly ? " ro" : ""}${f.writeOnly ? " wo" : ""}`;
}

function param(p: ApiParameter): string {
  return `${p.name}(${p.in}):${bound(p)}${p.required && p.in !== "path" ? "!" : ""}`;
}

function list<T>(items: readonly T[], render: (item: T) => string): string {
  const shown = items.slice(0, MAX_FIELDS).map(render).join(", ");
  return items.length > MAX_FIELDS ? `${shown} +${items.length - MAX_FIELDS}` : shown;
}

/** `GET /orders L35 | auth=oauth[orders:read]; params ...; body(json) ...; out ...; codes ...` */
export function operationLine(node: GraphNode, api: ApiAttrs | undefined): string[] {
  const a = node.attrs as unknown as OperationAttrs;
  const parts: string[] = [];
  parts.push(
    a.authenticated
      ? `auth=${requirements(a.security)}${a.securitySource === "operation" ? " (own)" : ""}`
      : `auth=NONE${a.securitySource === "operation" ? " (override)" : ""}`,
  );
  if (a.parameters.length > 0) parts.push(`params ${list(a.parameters, param)}`);
  if (a.requestBody) parts.push(`body(${a.requestBody.contentTypes.join(",")}) ${list(a.requestBody.fields, field)}`);
  if (a.responseFields.length > 0) parts.push(`out ${list(a.responseFields, field)}`);
  parts.push(`codes ${a.responses.join(",")}`);
  if (api && a.servers.join() !== api.servers.join()) parts.push(`servers ${a.servers.join(",")}`);
  if (a.deprecated) parts.push("deprecated");
  return parts;
}

export function apiLine(node: GraphNode): string[] {
  const a = node.attrs as unknown as ApiAttrs;
  const parts = [
    `spec=${a.specVersion}`,
    `servers=${a.servers.join(",") || "none"}`,
    `default-auth=${a.security.length > 0 ? requirements(a.security) : "NONE"}`,
    `operations=${a.operations}`,
  ];
  if (a.remoteRefs.length > 0) parts.push(`unresolved-remote-refs=${a.remoteRefs.join(",")}`);
  if (a.circularRefs.length > 0) parts.push(`circular-refs=${a.circularRefs.length}`);
  return parts;
}

function container(c: ContainerAttrs): string {
  const flags: string[] = [];
  if (c.init) flags.push("init");
  flags.push(`image=${(c.image ?? "?").replace(/@sha256:([0-9a-f]{12})[0-9a-f]+/, "@sha256:$1…")}`);
  if (c.privileged !== undefined) flags.push(`privileged=${c.privileged}`);
  if (c.allowPrivilegeEscalation !== undefined) flags.push(`allowPrivEsc=${c.allowPrivilegeEscalation}`);
  if (c.readOnlyRootFilesystem !== undefined) flags.push(`roRootFs=${c.readOnlyRootFilesystem}`);
  if (c.runAsNonRoot !== undefined) flags.push(`nonRoot=${c.runAsNonRoot}`);
  if (c.runAsUser !== undefined) flags.push(`uid=${c.runAsUser}`);
  if (c.capabilitiesAdd.length > 0) flags.push(`capAdd=${c.capabilitiesAdd.join("+")}`);
  if (c.capabilitiesDrop.length > 0) flags.push(`capDrop=${c.capabilitiesDrop.join("+")}`);
  if (c.seccompProfile) flags.push(`seccomp=${c.seccompProfile}`);
  flags.push(
    c.limits.cpu || c.limits.memory ? `limits=${c.limits.cpu ?? "-"}/${c.limits.memory ?? "-"}` : "limits=none",
  );
  if (c.env.length > 0)
    flags.push(
      `env=${c.env.map((e) => (e.from ? `${e.name}<${e.from}` : e.literal ? `${e.name}=${e.value ?? ""}` : e.name)).join(",")}`,
    );
  const ports = c.ports
    .map((p) => (p.hostPort !== undefined ? `host:${p.hostPort}` : String(p.containerPort ?? "")))
    .filter(Boolean);
  if (ports.length > 0) flags.push(`ports=${ports.join(",")}`);
  return `${c.name}{${flags.join(" ")}}`;
}

export function workloadLine(node: GraphNode): string[] {
  const w = node.attrs as unknown as WorkloadAttrs;
  const pod: string[] = [`sa=${w.serviceAccountName}`];
  if (w.automountServiceAccountToken !== undefined) pod.push(`automountToken=${w.automountServiceAccountToken}`);
  for (const k of ["hostNetwork", "hostPID", "hostIPC"] as const) if (w[k]) pod.push(`${k}=true`);
  if (w.runAsNonRoot !== undefined) pod.push(`nonRoot=${w.runAsNonRoot}`);
  if (w.runAsUser !== undefined) pod.push(`uid=${w.runAsUser}`);
  if (w.seccompProfile) pod.push(`seccomp=${w.seccompProfile}`);
  const parts = [pod.join(" "), `containers ${w.containers.map(container).join(" ")}`];
  const vols = w.volumes.filter((v) => v.hostPath !== undefined || v.secret !== undefined || v.pvc !== undefined);
  if (vols.length > 0)
    parts.push(
      `volumes ${vols.map((v) => (v.hostPath !== undefined ? `hostPath:${v.hostPath}` : v.secret !== undefined ? `secret:${v.secret}` : `pvc:${v.pvc ?? ""}`)).join(",")}`,
    );
  return parts;
}
