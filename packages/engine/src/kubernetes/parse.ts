import { loadStructured, type StructuredDocument } from "../core/index.ts";
import type { GraphEdge, GraphNode, SecretFinding, SourceFile } from "../graph/types.ts";
import type { EngineLimits, FormatHandler, ParsedPart } from "../formats/types.ts";
import { isPlaceholder } from "../secrets/patterns.ts";
import {
  applyPatches,
  collectKustomizations,
  isKustomizationFile,
  kustomizationDirs,
  patchApplies,
  renderKustomization,
  type PatchOrigin,
} from "./kustomize.ts";

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}
function bool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function strings(value: unknown): string[] {
  return arr(value)
    .map(str)
    .filter((s): s is string => s !== undefined);
}
function labels(value: unknown): Record<string, string> {
  if (!isObj(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, str(v) ?? ""]));
}

const WORKLOADS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
  "Pod",
]);
const CLUSTER_SCOPED = new Set([
  "ClusterRole",
  "ClusterRoleBinding",
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "CustomResourceDefinition",
  "PodSecurityPolicy",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "PriorityClass",
  "IngressClass",
  "APIService",
]);
const KIND_MAP: Record<string, string> = {
  Service: "k8s.service",
  Ingress: "k8s.ingress",
  Role: "k8s.rbac.role",
  ClusterRole: "k8s.rbac.role",
  RoleBinding: "k8s.rbac.binding",
  ClusterRoleBinding: "k8s.rbac.binding",
  ServiceAccount: "k8s.service-account",
  NetworkPolicy: "k8s.network-policy",
  Secret: "k8s.secret",
  ConfigMap: "k8s.configmap",
  Namespace: "k8s.namespace",
  PersistentVolumeClaim: "k8s.volume",
  PersistentVolume: "k8s.volume",
};

export function nodeKindOf(kind: string): string {
  return WORKLOADS.has(kind) ? "k8s.workload" : (KIND_MAP[kind] ?? "k8s.other");
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds, which have no namespace. */
export function k8sId(kind: string, namespace: string, name: string): string {
  return CLUSTER_SCOPED.has(kind) ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

export interface ContainerAttrs {
  name: string;
  init: boolean;
  /** Property path of the container inside the manifest (`spec.template.spec.containers.0`). */
  path: string;
  image: string | null;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsUser?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilitiesAdd: string[];
  capabilitiesDrop: string[];
  seccompProfile?: string;
  limits: Record<string, string>;
  requests: Record<string, string>;
  env: { name: string; literal: boolean; value?: string; from?: string }[];
  ports: { containerPort?: number; hostPort?: number }[];
}

export interface WorkloadAttrs {
  namespace: string;
  name: string;
  /** Where the pod spec sits in the manifest. */
  podSpecPath: string;
  podLabels: Record<string, string>;
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  runAsUser?: number;
  runAsNonRoot?: boolean;
  seccompProfile?: string;
  containers: ContainerAttrs[];
  volumes: { name: string; hostPath?: string; secret?: string; configMap?: string; pvc?: string }[];
  replicas?: number;
}

function podSpecPathOf(kind: string): string[] {
  if (kind === "Pod") return ["spec"];
  if (kind === "CronJob") return ["spec", "jobTemplate", "spec", "template", "spec"];
  return ["spec", "template", "spec"];
}

function dig(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) node = isObj(node) ? node[key] : undefined;
  return node;
}

function quantities(value: unknown): Record<string, string> {
  if (!isObj(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, str(v) ?? ""]));
}

function container(raw: Obj, path: string, init: boolean): ContainerAttrs {
  const sc = isObj(raw.securityContext) ? raw.securityContext : {};
  const caps = isObj(sc.capabilities) ? sc.capabilities : {};
  const resources = isObj(raw.resources) ? raw.resources : {};
  const c: ContainerAttrs = {
    name: str(raw.name) ?? "",
    init,
    path,
    image: str(raw.image) ?? null,
    capabilitiesAdd: strings(caps.add).map((s) => s.toUpperCase().replace(/^CAP_/, "")),
    capabilitiesDrop: strings(caps.drop).map((s) => s.toUpperCase().replace(/^CAP_/, "")),
    limits: quantities(resources.limits),
    requests: quantities(resources.requests),
    env: arr(raw.env)
      .filter(isObj)
      .map((e) => {
        const entry: ContainerAttrs["env"][number] = { name: str(e.name) ?? "", literal: e.value !== undefined };
        if (e.value !== undefined) entry.value = str(e.value) ?? "";
        if (isObj(e.valueFrom)) entry.from = Object.keys(e.valueFrom)[0] ?? "valueFrom";
        return entry;
      }),
    ports: arr(raw.ports)
      .filter(isObj)
      .map((p) => {
        const port: ContainerAttrs["ports"][number] = {};
        if (typeof p.containerPort === "number") port.containerPort = p.containerPort;
        if (typeof p.hostPort === "number") port.hostPort = p.hostPort;
        return port;
      }),
  };
  const set = <K extends keyof ContainerAttrs>(key: K, value: ContainerAttrs[K] | undefined): void => {
    if (value !== undefined) c[key] = value;
  };
  set("privileged", bool(sc.privileged));
  set("allowPrivilegeEscalation", bool(sc.allowPrivilegeEscalation));
  set("runAsUser", typeof sc.runAsUser === "number" ? sc.runAsUser : undefined);
  set("runAsNonRoot", bool(sc.runAsNonRoot));
  set("readOnlyRootFilesystem", bool(sc.readOnlyRootFilesystem));
  set("seccompProfile", isObj(sc.seccompProfile) ? str(sc.seccompProfile.type) : undefined);
  return c;
}

function workloadAttrs(kind: string, doc: Obj, namespace: string, name: string): WorkloadAttrs {
  const specPath = podSpecPathOf(kind);
  const spec = dig(doc, specPath);
  const pod = isObj(spec) ? spec : {};
  const templateMeta = kind === "Pod" ? doc.metadata : dig(doc, [...specPath.slice(0, -1), "metadata"]);
  const psc = isObj(pod.securityContext) ? pod.securityContext : {};
  const base = specPath.join(".");
  const attrs: WorkloadAttrs = {
    namespace,
    name,
    podSpecPath: base,
    podLabels: labels(isObj(templateMeta) ? templateMeta.labels : undefined),
    serviceAccountName: str(pod.serviceAccountName) ?? str(pod.serviceAccount) ?? "default",
    hostNetwork: pod.hostNetwork === true,
    hostPID: pod.hostPID === true,
    hostIPC: pod.hostIPC === true,
    containers: [
      ...arr(pod.initContainers)
        .filter(isObj)
        .map((c, i) => container(c, `${base}.initContainers.${i}`, true)),
      ...arr(pod.containers)
        .filter(isObj)
        .map((c, i) => container(c, `${base}.containers.${i}`, false)),
    ],
    volumes: arr(pod.volumes)
      .filter(isObj)
      .map((v) => {
        const vol: WorkloadAttrs["volumes"][number] = { name: str(v.name) ?? "" };
        if (isObj(v.hostPath)) vol.hostPath = str(v.hostPath.path) ?? "";
        if (isObj(v.secret)) vol.secret = str(v.secret.secretName) ?? "";
        if (isObj(v.configMap)) vol.configMap = str(v.configMap.name) ?? "";
        if (isObj(v.persistentVolumeClaim)) vol.pvc = str(v.persistentVolumeClaim.claimName) ?? "";
        return vol;
      }),
  };
  const automount = bool(pod.automountServiceAccountToken);
  if (automount !== undefined) attrs.automountServiceAccountToken = automount;
  if (typeof psc.runAsUser === "number") attrs.runAsUser = psc.runAsUser;
  const nonRoot = bool(psc.runAsNonRoot);
  if (nonRoot !== undefined) attrs.runAsNonRoot = nonRoot;
  if (isObj(psc.seccompProfile)) {
    const t = str(psc.seccompProfile.type);
    if (t) attrs.seccompProfile = t;
  }
  const annotations = isObj(templateMeta) && isObj(templateMeta.annotations) ? templateMeta.annotations : {};
  if (!attrs.seccompProfile) {
    const legacy = str(annotations["seccomp.security.alpha.kubernetes.io/pod"]);
    if (legacy) attrs.seccompProfile = legacy === "unconfined" ? "Unconfined" : legacy;
  }
  const spec0 = isObj(doc.spec) ? doc.spec : {};
  if (typeof spec0.replicas === "number") attrs.replicas = spec0.replicas;
  return attrs;
}

const INTERNAL_LB = [
  "service.beta.kubernetes.io/aws-load-balancer-internal",
  "service.beta.kubernetes.io/azure-load-balancer-internal",
  "networking.gke.io/load-balancer-type",
  "cloud.google.com/load-balancer-type",
  "service.beta.kubernetes.io/aws-load-balancer-scheme",
];

function serviceAttrs(doc: Obj, namespace: string, name: string): Obj {
  const spec = isObj(doc.spec) ? doc.spec : {};
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  const internal = INTERNAL_LB.some((k) => {
    const v = str(annotations[k])?.toLowerCase();
    return v === "true" || v === "internal";
  });
  return {
    namespace,
    name,
    type: str(spec.type) ?? "ClusterIP",
    selector: labels(spec.selector),
    ports: arr(spec.ports)
      .filter(isObj)
      .map((p) => ({ port: p.port, targetPort: p.targetPort, nodePort: p.nodePort, protocol: p.protocol ?? "TCP" })),
    loadBalancerSourceRanges: strings(spec.loadBalancerSourceRanges),
    externalIPs: strings(spec.externalIPs),
    internal,
  };
}

function ingressAttrs(doc: Obj, namespace: string, name: string): Obj {
  const spec = isObj(doc.spec) ? doc.spec : {};
  const backends: { host?: string; path?: string; service: string }[] = [];
  const backendName = (b: unknown): string | undefined => {
    if (!isObj(b)) return undefined;
    if (isObj(b.service)) return str(b.service.name);
    return str(b.serviceName);
  };
  const def = backendName(spec.defaultBackend ?? spec.backend);
  if (def) backends.push({ service: def });
  for (const rule of arr(spec.rules).filter(isObj)) {
    const http = isObj(rule.http) ? rule.http : {};
    for (const p of arr(http.paths).filter(isObj)) {
      const svc = backendName(p.backend);
      if (svc) {
        const b: { host?: string; path?: string; service: string } = { service: svc };
        const host = str(rule.host);
        if (host) b.host = host;
        const path = str(p.path);
        if (path) b.path = path;
        backends.push(b);
      }
    }
  }
  const tls = arr(spec.tls).filter(isObj);
  return {
    namespace,
    name,
    ingressClassName: str(spec.ingressClassName) ?? null,
    tls: tls.length > 0,
    tlsHosts: tls.flatMap((t) => strings(t.hosts)),
    backends,
  };
}

function roleAttrs(doc: Obj, namespace: string, name: string, cluster: boolean): Obj {
  return {
    namespace: cluster ? null : namespace,
    name,
    cluster,
    rules: arr(doc.rules)
      .filter(isObj)
      .map((r) => ({
        apiGroups: strings(r.apiGroups),
        resources: strings(r.resources),
        verbs: strings(r.verbs),
        resourceNames: strings(r.resourceNames),
        nonResourceURLs: strings(r.nonResourceURLs),
      })),
    aggregated: isObj(doc.aggregationRule),
  };
}

function bindingAttrs(doc: Obj, namespace: string, name: string, cluster: boolean): Obj {
  const ref = isObj(doc.roleRef) ? doc.roleRef : {};
  return {
    namespace: cluster ? null : namespace,
    name,
    cluster,
    roleRef: { kind: str(ref.kind) ?? "", name: str(ref.name) ?? "" },
    subjects: arr(doc.subjects)
      .filter(isObj)
      .map((s) => ({
        kind: str(s.kind) ?? "",
        name: str(s.name) ?? "",
        namespace: str(s.namespace) ?? (str(s.kind) === "ServiceAccount" ? namespace : null),
      })),
  };
}

function networkPolicyAttrs(doc: Obj, namespace: string, name: string): Obj {
  const spec = isObj(doc.spec) ? doc.spec : {};
  const selector = isObj(spec.podSelector) ? spec.podSelector : {};
  return {
    namespace,
    name,
    podSelector: labels(selector.matchLabels),
    selectsAll: !isObj(selector.matchLabels) && !Array.isArray(selector.matchExpressions),
    policyTypes: strings(spec.policyTypes),
    ingressRules: arr(spec.ingress).length,
    egressRules: arr(spec.egress).length,
  };
}

/** Every property path of a manifest with its line, bounded so a huge manifest stays cheap. */
function allLines(doc: StructuredDocument, value: unknown, prefix: (string | number)[]): Record<string, number> {
  const lines: Record<string, number> = {};
  let budget = 4000;
  const walk = (node: unknown, path: (string | number)[], depth: number): void => {
    if (budget <= 0 || depth > 24) return;
    const entries: Array<[string | number, unknown]> = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : isObj(node)
        ? Object.entries(node)
        : [];
    for (const [key, child] of entries) {
      if (budget-- <= 0) return;
      const next = [...path, key];
      const line = doc.lineOf([...prefix, ...next]);
      if (line !== undefined) lines[next.join(".")] = line;
      walk(child, next, depth + 1);
    }
  };
  walk(value, [], 0);
  return lines;
}

function decodeBase64(text: string): string | undefined {
  try {
    const binary = atob(text.replace(/\s+/g, ""));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Values of a Secret manifest: hard-coded secrets unless they are placeholders. */
function secretValues(doc: Obj, node: GraphNode): SecretFinding[] {
  const found: SecretFinding[] = [];
  for (const field of ["data", "stringData"] as const) {
    const map = doc[field];
    if (!isObj(map)) continue;
    for (const [key, raw] of Object.entries(map)) {
      const value = str(raw);
      if (value === undefined || value.trim() === "") continue;
      const plain = field === "data" ? decodeBase64(value) : value;
      if (plain !== undefined && isPlaceholder(plain)) continue;
      if (field === "stringData" && isPlaceholder(value)) continue;
      const path = `${field}.${key}`;
      found.push({
        file: node.file,
        line: node.propertyLines[path] ?? node.line,
        nodeId: node.id,
        path,
        kind: /pass|pwd/i.test(key)
          ? "password"
          : /token/i.test(key)
            ? "token"
            : /\.key$|private/i.test(key) && plain?.includes("PRIVATE KEY")
              ? "private-key"
              : "generic",
        value,
      });
    }
  }
  return found;
}

/** A Terraform/HCL top-level block (`resource "x" "y" {`, `locals {`). */
export const HCL_BLOCK = /^(resource|data|module|variable|output|provider|terraform|locals)(\s+"[^"\n]*")*\s*\{/m;

/** Whether text holds Kubernetes manifests: top-level `apiVersion` and `kind` keys (YAML or JSON). */
export function looksLikeKubernetes(text: string): boolean {
  const head = text.length > 65_536 ? text.slice(0, 65_536) : text;
  // Terraform keeps manifests in heredocs that start at column 0: the blocks around them decide.
  if (HCL_BLOCK.test(head)) return false;
  if (/^apiVersion\s*:/m.test(head) && /^kind\s*:/m.test(head)) return true;
  // JSON: Terraform plans of `kubernetes_manifest` resources and CloudFormation templates mention both keys too.
  if (
    /"AWSTemplateFormatVersion"|"Type"\s*:\s*"AWS::|"terraform_version"|"resource_changes"|"format_version"/.test(head)
  )
    return false;
  return /^\s*\{/.test(head) && /"apiVersion"\s*:/.test(head) && /"kind"\s*:/.test(head);
}

function documentsOf(value: unknown): Array<{ value: Obj; prefix: (string | number)[] }> {
  if (!isObj(value)) return [];
  if (str(value.kind)?.endsWith("List") && Array.isArray(value.items)) {
    return value.items.map((item, i) => ({ value: item as Obj, prefix: ["items", i] })).filter((d) => isObj(d.value));
  }
  return [{ value, prefix: [] }];
}

/** Parses multi-document Kubernetes manifests into nodes, selector/route/binding edges and Secret values. */
export function parseKubernetes(
  files: readonly SourceFile[],
  limits: EngineLimits,
  readable: readonly SourceFile[] = files,
): ParsedPart {
  const part: ParsedPart = { nodes: [], edges: [], secrets: [], reports: [] };
  const loadedFiles = files.map(
    (file) =>
      [file, loadStructured(file.content, { maxAliases: limits.maxAliases, maxDepth: limits.maxDepth })] as const,
  );
  // Kustomizations patch the manifests of their folder before any rule reads them (resource limits or a
  // securityContext set by an overlay's patch count); the patches themselves are not resources.
  const kustomize = collectKustomizations(
    new Map(loadedFiles.flatMap(([f, l]) => (l.ok ? [[f.path, l.documents] as const] : []))),
    readable,
    limits,
  );
  const consumed = new Set<string>();
  const render = renderPlan(loadedFiles, readable, kustomize, limits);
  const counts = new Map<string, number>();
  const capped = new Set<string>();
  const ids = new Set<string>();
  const pushNode = (
    file: string,
    doc: StructuredDocument,
    prefix: (string | number)[],
    declared: Obj,
    value: Obj,
    origins: Record<string, PatchOrigin> | undefined,
    rendered?: { by?: string; declaredId: string },
  ): void => {
    if (part.nodes.length >= limits.maxResources) {
      capped.add(file);
      return;
    }
    const kind = str(value.kind);
    const apiVersion = str(value.apiVersion);
    if (!kind || !apiVersion) return;
    const meta = isObj(value.metadata) ? value.metadata : {};
    const name = str(meta.name) ?? str(meta.generateName) ?? "(unnamed)";
    const namespace = str(meta.namespace) ?? "default";
    const id = k8sId(kind, namespace, name);
    // One resource per id: an overlay listing a base twice (or two overlays in one call) renders it once.
    if (rendered && ids.has(id)) return;
    ids.add(id);
    const nodeKind = nodeKindOf(kind);
    const cluster = CLUSTER_SCOPED.has(kind);
    let attrs: Obj;
    if (nodeKind === "k8s.workload") attrs = workloadAttrs(kind, value, namespace, name) as unknown as Obj;
    else if (kind === "Service") attrs = serviceAttrs(value, namespace, name);
    else if (kind === "Ingress") attrs = ingressAttrs(value, namespace, name);
    else if (nodeKind === "k8s.rbac.role") attrs = roleAttrs(value, namespace, name, cluster);
    else if (nodeKind === "k8s.rbac.binding") attrs = bindingAttrs(value, namespace, name, cluster);
    else if (kind === "NetworkPolicy") attrs = networkPolicyAttrs(value, namespace, name);
    else if (kind === "ServiceAccount")
      attrs = { namespace, name, automountServiceAccountToken: bool(value.automountServiceAccountToken) ?? null };
    else if (kind === "Secret")
      attrs = {
        namespace,
        name,
        type: str(value.type) ?? "Opaque",
        keys: [
          ...Object.keys(isObj(value.data) ? value.data : {}),
          ...Object.keys(isObj(value.stringData) ? value.stringData : {}),
        ],
      };
    else if (kind === "ConfigMap") attrs = { namespace, name, keys: Object.keys(isObj(value.data) ? value.data : {}) };
    else attrs = { namespace: cluster ? null : namespace, name };
    const propertyLines = allLines(doc, declared, prefix);
    // A value a patch writes is evidenced at the resource's declaration and at the patch's line.
    const written = origins && Object.keys(origins).length > 0 ? origins : undefined;
    if (written) for (const path of Object.keys(written)) delete propertyLines[path];
    const node: GraphNode = {
      id,
      type: `${apiVersion}/${kind}`,
      kind: nodeKind,
      format: "kubernetes",
      file,
      line: doc.lineOf(prefix) ?? doc.line,
      attrs,
      properties: value,
      propertyLines,
      ...(written
        ? { origins: Object.fromEntries(Object.entries(written).map(([k, o]) => [k, { ...o, patch: true }])) }
        : {}),
      ...(rendered?.by ? { renderedBy: rendered.by } : {}),
      ...(rendered ? { declaredId: rendered.declaredId } : {}),
    };
    part.nodes.push(node);
    if (kind === "Secret") part.secrets.push(...secretValues(value, node));
    counts.set(file, (counts.get(file) ?? 0) + 1);
  };
  for (const [file, loaded] of loadedFiles) {
    if (!loaded.ok || render.skips(file.path)) continue;
    for (const doc of loaded.documents) {
      if (kustomize.patchDocuments.has(`${file.path}\u0000${doc.index}`)) continue;
      for (const { value: declared, prefix } of documentsOf(doc.value)) {
        const kind = str(declared.kind);
        const meta = isObj(declared.metadata) ? declared.metadata : {};
        const name = str(meta.name) ?? str(meta.generateName) ?? "(unnamed)";
        const namespace = str(meta.namespace) ?? "default";
        const patches = kind
          ? kustomize.patches.filter((p) => patchApplies(p, { kind, name, namespace, file: file.path }))
          : [];
        const patched = patches.length > 0 ? applyPatches(declared, patches) : undefined;
        for (const p of patches) if (p.doc) consumed.add(p.file);
        pushNode(file.path, doc, prefix, declared, patched?.value ?? declared, patched?.origins);
      }
    }
  }
  // Overlays: the resources of the folders a kustomization renders (`resources: [../../base]`), as rendered.
  for (const root of render.roots) {
    for (const r of renderKustomization(root.dir, render.source)) {
      const own = folderOf(r.file) === root.dir;
      const meta = isObj(r.declared.metadata) ? r.declared.metadata : {};
      const declaredId = k8sId(
        str(r.declared.kind) ?? "",
        str(meta.namespace) ?? "default",
        str(meta.name) ?? str(meta.generateName) ?? "(unnamed)",
      );
      pushNode(
        r.file,
        r.doc,
        r.prefix,
        r.declared,
        r.value,
        r.origins,
        own ? { declaredId } : { by: root.path, declaredId },
      );
    }
    for (const p of kustomize.patches) if (p.doc && render.covers(p.dir)) consumed.add(p.file);
  }
  for (const [file, loaded] of loadedFiles) {
    if (!loaded.ok) {
      part.reports.push({ path: file.path, format: "kubernetes", resources: 0, error: loaded.error });
      continue;
    }
    const count = counts.get(file.path) ?? 0;
    part.reports.push(
      capped.has(file.path)
        ? {
            path: file.path,
            format: "kubernetes",
            resources: count,
            error: {
              code: "template/too-large",
              message: `More than ${limits.maxResources} resources; the rest were not analysed.`,
            },
          }
        : { path: file.path, format: "kubernetes", resources: count },
    );
    if (loaded.warnings.length > 0) part.reports[part.reports.length - 1]!.warnings = loaded.warnings;
  }
  // A JSON 6902 patch file (a list of operations) is no manifest, but it is read: not an unsupported file.
  const analysed = new Set(files.map((f) => f.path));
  part.consumed = [...consumed].filter((p) => !analysed.has(p));
  part.edges.push(...linkKubernetes(part.nodes));
  return part;
}

const folderOf = (path: string): string => {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
};

/**
 * Which kustomizations render other folders (overlays: `resources: [../../base]`), and what that means for the
 * plain reading of files: a rendered folder's files are read only through the overlay (a base analysed with its
 * overlay is the overlay's resources, not a second copy), and so are the files the overlay lists itself; files
 * of its folder it does not list are read as they are.
 */
function renderPlan(
  loadedFiles: ReadonlyArray<readonly [SourceFile, ReturnType<typeof loadStructured>]>,
  readable: readonly SourceFile[],
  kustomize: ReturnType<typeof collectKustomizations>,
  limits: EngineLimits,
) {
  const docs = new Map<string, StructuredDocument[]>();
  for (const [f, l] of loadedFiles) if (l.ok) docs.set(f.path, l.documents);
  const byPath = new Map(readable.map((f) => [f.path, f]));
  const docsOf = (path: string): StructuredDocument[] | undefined => {
    const known = docs.get(path);
    if (known) return known;
    const file = byPath.get(path);
    if (!file) return undefined;
    const parsed = loadStructured(file.content, { maxAliases: limits.maxAliases, maxDepth: limits.maxDepth });
    const out = parsed.ok ? parsed.documents : [];
    docs.set(path, out);
    return out;
  };
  const kustomizations = new Map<string, { path: string; doc: StructuredDocument }>();
  const names = [...new Set([...docs.keys(), ...byPath.keys()])].filter(isKustomizationFile).sort();
  for (const path of names) {
    const dir = folderOf(path);
    if (kustomizations.has(dir)) continue;
    const doc = docsOf(path)?.[0];
    if (doc && isObj(doc.value)) kustomizations.set(dir, { path, doc });
  }
  for (const [path, list] of docs)
    for (const doc of list)
      if (!kustomizations.has(folderOf(path)) && isObj(doc.value) && doc.value.kind === "Kustomization")
        kustomizations.set(folderOf(path), { path, doc });
  const refs = new Map([...kustomizations].map(([dir, k]) => [dir, kustomizationDirs(k.path, k.doc.value)] as const));
  const rendered = new Set<string>();
  for (const [dir, targets] of refs) {
    const queue = [...targets];
    for (let i = 0; i < queue.length && i < 256; i++) {
      const next = queue[i]!;
      if (next === dir || rendered.has(next)) continue;
      rendered.add(next);
      queue.push(...(refs.get(next) ?? []));
    }
  }
  const roots = [...refs]
    .filter(([dir, targets]) => targets.length > 0 && !rendered.has(dir))
    .map(([dir]) => ({ dir, path: kustomizations.get(dir)!.path }));
  const rootDirs = new Set(roots.map((r) => r.dir));
  const listed = new Set<string>();
  for (const root of roots) {
    const value = kustomizations.get(root.dir)!.doc.value as Obj;
    const entries: unknown[] = Array.isArray(value.resources) ? (value.resources as unknown[]) : [];
    for (const entry of entries)
      if (typeof entry === "string" && /\.(ya?ml|json)$/i.test(entry))
        listed.add(root.dir ? `${root.dir}/${entry.replace(/^\.\//, "")}` : entry.replace(/^\.\//, ""));
  }
  return {
    roots,
    source: {
      kustomizationAt: (dir: string) => kustomizations.get(dir),
      docsOf,
      patches: kustomize.patches,
      patchDocuments: kustomize.patchDocuments,
      clusterScoped: (kind: string) => CLUSTER_SCOPED.has(kind),
    },
    /** Whether a file is read only through an overlay's rendering. */
    skips: (path: string) => rendered.has(folderOf(path)) || (rootDirs.has(folderOf(path)) && listed.has(path)),
    covers: (dir: string) => rendered.has(dir) || rootDirs.has(dir),
  };
}

function matches(selector: Record<string, string>, podLabels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => podLabels[k] === v);
}

/** Edges between manifests: Services select workloads, Ingresses route to Services, bindings name roles and subjects. */
export function linkKubernetes(nodes: readonly GraphNode[]): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const ids = new Set(nodes.map((n) => n.id));
  const workloads = nodes.filter((n) => n.kind === "k8s.workload");
  for (const node of nodes) {
    const a = node.attrs;
    const ns = typeof a.namespace === "string" ? a.namespace : "default";
    if (node.kind === "k8s.service") {
      for (const w of workloads) {
        const wa = w.attrs as unknown as WorkloadAttrs;
        if (wa.namespace === ns && matches(a.selector as Record<string, string>, wa.podLabels))
          edges.push({ from: node.id, to: w.id, kind: "selects", via: "spec.selector" });
      }
    } else if (node.kind === "k8s.ingress") {
      for (const b of a.backends as { service: string }[]) {
        const to = `Service/${ns}/${b.service}`;
        if (ids.has(to) && !edges.some((e) => e.from === node.id && e.to === to))
          edges.push({ from: node.id, to, kind: "routes-to", via: "spec.rules" });
      }
    } else if (node.kind === "k8s.rbac.binding") {
      const ref = a.roleRef as { kind: string; name: string };
      const role = ref.kind === "ClusterRole" ? `ClusterRole/${ref.name}` : `Role/${ns}/${ref.name}`;
      if (ids.has(role)) edges.push({ from: node.id, to: role, kind: "references", via: "roleRef" });
      (a.subjects as { kind: string; name: string; namespace: string | null }[]).forEach((s, i) => {
        const sa = `ServiceAccount/${s.namespace ?? ns}/${s.name}`;
        if (s.kind === "ServiceAccount" && ids.has(sa))
          edges.push({ from: node.id, to: sa, kind: "references", via: `subjects.${i}` });
      });
    } else if (node.kind === "k8s.workload") {
      const wa = a as unknown as WorkloadAttrs;
      const sa = `ServiceAccount/${ns}/${wa.serviceAccountName}`;
      if (ids.has(sa))
        edges.push({ from: node.id, to: sa, kind: "references", via: `${wa.podSpecPath}.serviceAccountName` });
      for (const v of wa.volumes) {
        const to = v.secret
          ? `Secret/${ns}/${v.secret}`
          : v.configMap
            ? `ConfigMap/${ns}/${v.configMap}`
            : v.pvc
              ? `PersistentVolumeClaim/${ns}/${v.pvc}`
              : undefined;
        if (to && ids.has(to)) edges.push({ from: node.id, to, kind: "references", via: `${wa.podSpecPath}.volumes` });
      }
    } else if (node.kind === "k8s.network-policy") {
      for (const w of workloads) {
        const wa = w.attrs as unknown as WorkloadAttrs;
        if (
          wa.namespace === ns &&
          (a.selectsAll === true || matches(a.podSelector as Record<string, string>, wa.podLabels))
        )
          edges.push({ from: node.id, to: w.id, kind: "selects", via: "spec.podSelector" });
      }
    }
  }
  return edges;
}

export const kubernetesHandler: FormatHandler = {
  format: "kubernetes",
  // A kustomization may leave out its apiVersion and kind; its file name says what it is.
  detect: (file) => looksLikeKubernetes(file.content) || isKustomizationFile(file.path),
  parse: parseKubernetes,
};
