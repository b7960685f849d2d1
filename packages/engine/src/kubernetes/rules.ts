import { pushTo } from "../collections.ts";
import type { GraphNode } from "../graph/types.ts";
import type { Finding, Rule, RuleContext } from "../rules/types.ts";
import { isPlaceholder, isSecretKey } from "../secrets/patterns.ts";
import { defineRule } from "../openapi/rule-kit.ts";
import { serviceExposure } from "./facts.ts";
import type { ContainerAttrs, WorkloadAttrs } from "./parse.ts";

const WORKLOAD = ["k8s.workload"];

function workloads(ctx: RuleContext): Array<[GraphNode, WorkloadAttrs]> {
  return ctx.graph.nodes.filter((n) => n.kind === "k8s.workload").map((n) => [n, n.attrs as unknown as WorkloadAttrs]);
}

function bump(ctx: RuleContext, node: GraphNode, base: number): number | undefined {
  return ctx.isExposed(node.id) ? Math.min(5, base + 1) : undefined;
}

/** One finding per workload listing every container that matches, with the offending property paths. */
function perContainer(
  ctx: RuleContext,
  base: number,
  test: (c: ContainerAttrs, w: WorkloadAttrs) => string | undefined,
  describe: (node: GraphNode, names: string[]) => string,
): Finding[] {
  return workloads(ctx).flatMap(([node, w]): Finding[] => {
    const hits = w.containers
      .map((c) => [c, test(c, w)] as const)
      .filter((x): x is readonly [ContainerAttrs, string] => x[1] !== undefined);
    if (hits.length === 0) return [];
    return [
      {
        node,
        paths: hits.map(([, path]) => path),
        detail: describe(
          node,
          hits.map(([c]) => c.name),
        ),
        likelihood: bump(ctx, node, base),
      },
    ];
  });
}

function names(list: string[]): string {
  return list.map((n) => `\`${n}\``).join(", ");
}

const DANGEROUS_CAPS = new Set([
  "ALL",
  "SYS_ADMIN",
  "NET_ADMIN",
  "SYS_PTRACE",
  "SYS_MODULE",
  "DAC_READ_SEARCH",
  "SYS_RAWIO",
  "BPF",
  "PERFMON",
  "SYS_BOOT",
  "NET_RAW",
  "DAC_OVERRIDE",
  "SETUID",
  "SETGID",
]);
const SENSITIVE_HOST_PATHS =
  /^\/(?:$|etc|proc|sys|root|home|boot|dev|var\/run\/docker\.sock|var\/run\/containerd|run\/containerd|var\/run\/crio|var\/lib\/kubelet|var\/lib\/docker|var\/log)(\/|$)/;

function imageProblem(image: string | null): string | undefined {
  if (!image) return undefined;
  if (image.includes("@sha256:")) return undefined;
  const last = image.split("/").pop() ?? image;
  if (!last.includes(":")) return "untagged";
  if (last.endsWith(":latest")) return "latest";
  return undefined;
}

function effectiveAutomount(ctx: RuleContext, node: GraphNode, w: WorkloadAttrs): boolean {
  if (w.automountServiceAccountToken !== undefined) return w.automountServiceAccountToken;
  const sa = ctx.out(node.id, "references").find((n) => n.kind === "k8s.service-account");
  const saValue = sa?.attrs.automountServiceAccountToken;
  return typeof saValue === "boolean" ? saValue : true;
}

/**
 * Whether a workload runs as its namespace's `default` service account and no binding among the analysed
 * manifests grants that account anything. Kubernetes gives `default` no permissions of its own, so its token
 * opens nothing beyond API discovery: the automount threat does not apply (a named account, or a binding that
 * names `default`, and it does).
 */
function usesUnboundDefaultAccount(ctx: RuleContext, node: GraphNode, w: WorkloadAttrs): boolean {
  if (w.serviceAccountName !== "default") return false;
  return !bindings(ctx).some(([, b]) =>
    b.subjects.some(
      (s) =>
        (s.kind === "ServiceAccount" && s.name === "default" && (s.namespace ?? w.namespace) === w.namespace) ||
        (s.kind === "Group" && (BROAD_GROUPS.has(s.name) || s.name === `system:serviceaccounts:${w.namespace}`)),
    ),
  );
}

interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

function roles(ctx: RuleContext): Array<[GraphNode, RbacRule[]]> {
  return ctx.graph.nodes
    .filter((n) => n.kind === "k8s.rbac.role")
    .map((n) => [n, (n.attrs.rules as RbacRule[] | undefined) ?? []]);
}

function bindings(
  ctx: RuleContext,
): Array<
  [
    GraphNode,
    { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string | null }[] },
  ]
> {
  return ctx.graph.nodes
    .filter((n) => n.kind === "k8s.rbac.binding")
    .map((n) => [
      n,
      n.attrs as unknown as {
        roleRef: { kind: string; name: string };
        subjects: { kind: string; name: string; namespace: string | null }[];
      },
    ]);
}

function roleFindings(ctx: RuleContext, test: (r: RbacRule) => boolean, likelihood?: number): Finding[] {
  return roles(ctx).flatMap(([node, rules]): Finding[] => {
    const hits = rules.map((r, i) => [r, i] as const).filter(([r]) => test(r));
    return hits.length === 0 ? [] : [{ node, paths: hits.map(([, i]) => `rules.${i}`), likelihood }];
  });
}

const BROAD_GROUPS = new Set([
  "system:anonymous",
  "system:unauthenticated",
  "system:authenticated",
  "system:serviceaccounts",
]);

export const KUBERNETES_RULES: Rule[] = [
  defineRule({
    id: "TL-K8S-POD-001",
    title: "Privileged container",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    description:
      "{resource} runs a privileged container: it has every capability and all host devices, so a compromise of the container is a compromise of the node.",
    remediation: {
      text: "Remove `privileged: true`; grant only the specific capabilities the container needs.",
      fix: { kubernetes: 'securityContext:\n  privileged: false\n  capabilities:\n    drop: ["ALL"]' },
    },
    references: { cwe: ["CWE-250"], capec: ["CAPEC-233"], attack: ["T1611"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        3,
        (c) => (c.privileged === true ? `${c.path}.securityContext.privileged` : undefined),
        (n, list) => `${n.id} runs privileged containers (${names(list)}): a container escape gives root on the node.`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-002",
    title: "Pod shares host namespaces",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} shares the host's network, PID or IPC namespace: it can see and reach host processes and traffic, bypassing network policies.",
    remediation: {
      text: "Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to false).",
      fix: { kubernetes: "spec:\n  hostNetwork: false\n  hostPID: false\n  hostIPC: false" },
    },
    references: { cwe: ["CWE-653"], capec: ["CAPEC-233"], attack: ["T1611"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      workloads(ctx).flatMap(([node, w]): Finding[] => {
        const keys = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => w[k]);
        return keys.length === 0
          ? []
          : [
              {
                node,
                paths: keys.map((k) => `${w.podSpecPath}.${k}`),
                detail: `${node.id} shares host namespaces (${keys.join(", ")}).`,
                likelihood: bump(ctx, node, 3),
              },
            ];
      }),
  }),
  defineRule({
    id: "TL-K8S-POD-003",
    title: "Container may run as root",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 3,
    description: "{resource} runs containers as root (UID 0) or does not require a non-root user.",
    remediation: {
      text: "Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod or container security context.",
      fix: { kubernetes: "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001" },
    },
    references: { cwe: ["CWE-250"], attack: ["T1611"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        3,
        (c, w) => {
          const uid = c.runAsUser ?? w.runAsUser;
          if (uid === 0)
            return c.runAsUser === 0
              ? `${c.path}.securityContext.runAsUser`
              : `${w.podSpecPath}.securityContext.runAsUser`;
          const nonRoot = c.runAsNonRoot ?? w.runAsNonRoot;
          if (nonRoot === true || (uid !== undefined && uid > 0)) return undefined;
          return c.runAsNonRoot === false ? `${c.path}.securityContext.runAsNonRoot` : c.path;
        },
        (n, list) => `${n.id} may run containers as root (${names(list)}).`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-004",
    title: "Privilege escalation allowed",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} does not set `allowPrivilegeEscalation: false`: setuid binaries in the image can gain more privileges than the container started with.",
    remediation: {
      text: "Set `allowPrivilegeEscalation: false` on every container.",
      fix: { kubernetes: "securityContext:\n  allowPrivilegeEscalation: false" },
    },
    references: { cwe: ["CWE-269"], attack: ["T1548.001"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        3,
        (c) => {
          // Kubernetes forces privilege escalation on for privileged containers and those with CAP_SYS_ADMIN:
          // POD-001 and POD-005 report those, and `allowPrivilegeEscalation: false` would not even be accepted.
          if (c.privileged === true || c.capabilitiesAdd.some((cap) => cap === "SYS_ADMIN" || cap === "ALL"))
            return undefined;
          return c.allowPrivilegeEscalation === false
            ? undefined
            : c.allowPrivilegeEscalation === true
              ? `${c.path}.securityContext.allowPrivilegeEscalation`
              : c.path;
        },
        (n, list) => `${n.id} allows privilege escalation in ${names(list)}.`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-005",
    title: "Dangerous Linux capabilities added",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    description:
      "{resource} adds dangerous Linux capabilities (SYS_ADMIN, NET_ADMIN, ALL …) that allow container escape or control of host networking.",
    remediation: {
      text: "Drop ALL capabilities and add back only narrowly needed ones such as NET_BIND_SERVICE.",
      fix: { kubernetes: 'securityContext:\n  capabilities:\n    drop: ["ALL"]\n    add: ["NET_BIND_SERVICE"]' },
    },
    references: { cwe: ["CWE-250"], capec: ["CAPEC-233"], attack: ["T1611"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        3,
        (c) =>
          c.capabilitiesAdd.some((cap) => DANGEROUS_CAPS.has(cap))
            ? `${c.path}.securityContext.capabilities.add`
            : undefined,
        (n, list) => `${n.id} adds dangerous capabilities to ${names(list)}.`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-006",
    title: "Container without resource limits",
    category: "DenialOfService",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} runs containers without CPU and memory limits: one container can starve every other workload on its node.",
    remediation: {
      text: "Set `resources.limits.cpu` and `resources.limits.memory` (and requests) on every container.",
      fix: {
        kubernetes:
          "resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    cpu: 500m\n    memory: 256Mi",
      },
    },
    references: { cwe: ["CWE-770"], capec: ["CAPEC-130"], attack: ["T1499"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        3,
        (c) => (c.limits.memory && c.limits.cpu ? undefined : c.path),
        (n, list) => `${n.id} has containers without CPU or memory limits (${names(list)}).`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-007",
    title: "Image not pinned (latest or untagged)",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} uses an image with the `latest` tag or no tag: what runs changes without a change to the manifest, and a poisoned push is deployed silently.",
    remediation: {
      text: "Pin images to a version tag, and preferably to a digest (`image@sha256:…`).",
      fix: { kubernetes: "image: registry.example.com/app:1.4.2@sha256:<digest>" },
    },
    references: { cwe: ["CWE-494", "CWE-1357"], capec: ["CAPEC-538"], attack: ["T1525"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        3,
        (c) => (imageProblem(c.image) ? `${c.path}.image` : undefined),
        (n, list) => `${n.id} runs unpinned images (latest or untagged) in ${names(list)}.`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-008",
    title: "Secret passed as a literal environment variable",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    description:
      "{resource} sets a secret-looking environment variable to a literal value in the manifest instead of referencing a Secret.",
    remediation: {
      text: "Reference the value with `valueFrom.secretKeyRef` (or mount it from a Secret / external secret store).",
      fix: {
        kubernetes:
          "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password",
      },
    },
    references: { cwe: ["CWE-798", "CWE-526"], attack: ["T1552.001"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      workloads(ctx).flatMap(([node, w]): Finding[] => {
        const paths: string[] = [];
        const vars: string[] = [];
        for (const c of w.containers) {
          c.env.forEach((e, i) => {
            if (e.literal && e.value !== undefined && isSecretKey(e.name) && !isPlaceholder(e.value)) {
              paths.push(`${c.path}.env.${i}.value`);
              vars.push(e.name);
            }
          });
        }
        return paths.length === 0
          ? []
          : [{ node, paths, detail: `${node.id} sets ${names(vars)} to literal values in the manifest.` }];
      }),
  }),
  defineRule({
    id: "TL-K8S-POD-009",
    title: "hostPath volume",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} mounts a directory of the node (hostPath): the container can read or change host files, and sensitive paths (the container runtime socket, /etc, /) give control of the node.",
    remediation: {
      text: "Use emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret instead of hostPath; if unavoidable, mount read-only and as narrowly as possible.",
      fix: { kubernetes: "volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: app-data" },
    },
    references: { cwe: ["CWE-668"], capec: ["CAPEC-233"], attack: ["T1611"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      workloads(ctx).flatMap(([node, w]): Finding[] => {
        const hits = w.volumes.map((v, i) => [v, i] as const).filter(([v]) => v.hostPath !== undefined);
        if (hits.length === 0) return [];
        const sensitive = hits.some(([v]) => SENSITIVE_HOST_PATHS.test(v.hostPath ?? ""));
        return [
          {
            node,
            paths: hits.map(([, i]) => `${w.podSpecPath}.volumes.${i}.hostPath`),
            detail: `${node.id} mounts host paths ${hits.map(([v]) => `\`${v.hostPath ?? ""}\``).join(", ")}${sensitive ? ", including a sensitive one that gives control of the node" : ""}.`,
            likelihood: sensitive ? 4 : bump(ctx, node, 3),
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-K8S-POD-010",
    title: "Service account token mounted automatically",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 3,
    description:
      "{resource} gets a Kubernetes API token mounted automatically: whoever compromises the container can call the API server with the service account's rights.",
    remediation: {
      text: "Set `automountServiceAccountToken: false` on the pod (or its ServiceAccount) unless it calls the Kubernetes API.",
      fix: { kubernetes: "spec:\n  automountServiceAccountToken: false" },
    },
    references: { cwe: ["CWE-522"], attack: ["T1528"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      workloads(ctx)
        .filter(([node, w]) => effectiveAutomount(ctx, node, w))
        .filter(([node, w]) => w.automountServiceAccountToken === true || !usesUnboundDefaultAccount(ctx, node, w))
        .map(([node, w]) => {
          const sa = ctx.out(node.id, "references").find((n) => n.kind === "k8s.service-account");
          const bound = sa ? ctx.in(sa.id, "references").some((n) => n.kind === "k8s.rbac.binding") : false;
          return {
            node,
            paths: [
              w.automountServiceAccountToken === true ? `${w.podSpecPath}.automountServiceAccountToken` : w.podSpecPath,
            ],
            related: sa ? [sa] : [],
            likelihood: bound ? 3 : bump(ctx, node, 2),
          };
        }),
  }),
  defineRule({
    id: "TL-K8S-POD-011",
    title: "Writable root filesystem",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    description:
      "{resource} runs containers with a writable root filesystem: an attacker can drop tools or alter binaries inside the container.",
    remediation: {
      text: "Set `readOnlyRootFilesystem: true` and mount emptyDir volumes where the application must write.",
      fix: { kubernetes: "securityContext:\n  readOnlyRootFilesystem: true" },
    },
    references: { cwe: ["CWE-732"], attack: ["T1525"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        2,
        (c) =>
          c.readOnlyRootFilesystem === true
            ? undefined
            : c.readOnlyRootFilesystem === false
              ? `${c.path}.securityContext.readOnlyRootFilesystem`
              : c.path,
        (n, list) => `${n.id} has writable root filesystems in ${names(list)}.`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-012",
    title: "Capabilities not dropped",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 3,
    description:
      "{resource} keeps the container runtime's default Linux capabilities (NET_RAW, CHOWN, SETUID …) instead of dropping ALL.",
    remediation: {
      text: 'Add `capabilities.drop: ["ALL"]` to every container and add back only what is needed.',
      fix: { kubernetes: 'securityContext:\n  capabilities:\n    drop: ["ALL"]' },
    },
    references: { cwe: ["CWE-250"], attack: ["T1611"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      perContainer(
        ctx,
        2,
        (c) => (c.capabilitiesDrop.includes("ALL") || c.privileged === true ? undefined : c.path),
        (n, list) => `${n.id} does not drop ALL capabilities in ${names(list)}.`,
      ),
  }),
  defineRule({
    id: "TL-K8S-POD-013",
    title: "Container binds a host port",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} binds a port on the node's own IP (hostPort): the container is reachable outside Services and NetworkPolicies, and pods are pinned to nodes.",
    remediation: {
      text: "Remove `hostPort` and expose the container through a Service.",
      fix: { kubernetes: "ports:\n  - containerPort: 8080" },
    },
    references: { cwe: ["CWE-668"], attack: ["T1133"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      workloads(ctx).flatMap(([node, w]): Finding[] => {
        const paths = w.containers.flatMap((c) =>
          c.ports
            .map((p, i) => (p.hostPort !== undefined ? `${c.path}.ports.${i}.hostPort` : undefined))
            .filter((p): p is string => p !== undefined),
        );
        return paths.length === 0 ? [] : [{ node, paths }];
      }),
  }),
  defineRule({
    id: "TL-K8S-POD-014",
    title: "Seccomp profile disabled",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} runs with seccomp explicitly set to Unconfined: every system call, including those used in kernel exploits, is available.",
    remediation: {
      text: "Use the `RuntimeDefault` seccomp profile (or a tailored Localhost profile).",
      fix: { kubernetes: "securityContext:\n  seccompProfile:\n    type: RuntimeDefault" },
    },
    references: { cwe: ["CWE-693"], attack: ["T1611"] },
    kinds: WORKLOAD,
    check: (ctx) =>
      workloads(ctx).flatMap(([node, w]): Finding[] => {
        const paths = [
          ...(w.seccompProfile === "Unconfined" ? [`${w.podSpecPath}.securityContext.seccompProfile`] : []),
          ...w.containers
            .filter((c) => c.seccompProfile === "Unconfined")
            .map((c) => `${c.path}.securityContext.seccompProfile`),
        ];
        return paths.length === 0 ? [] : [{ node, paths }];
      }),
  }),
  defineRule({
    id: "TL-K8S-RBAC-001",
    title: "Wildcard RBAC permissions",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    description:
      "{resource} grants `*` verbs or resources: it allows everything, including actions and resource types added later.",
    remediation: {
      text: "List the exact apiGroups, resources and verbs the subject needs.",
      fix: { kubernetes: 'rules:\n  - apiGroups: [""]\n    resources: ["configmaps"]\n    verbs: ["get", "list"]' },
    },
    references: { cwe: ["CWE-269", "CWE-732"], attack: ["T1078.004"] },
    kinds: ["k8s.rbac.role"],
    check: (ctx) =>
      roleFindings(ctx, (r) => r.verbs.includes("*") || r.resources.includes("*") || r.nonResourceURLs.includes("*")),
  }),
  defineRule({
    id: "TL-K8S-RBAC-002",
    title: "Binding to cluster-admin",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    description:
      "{resource} binds subjects to `cluster-admin`: they control the whole cluster, every namespace and every Secret.",
    remediation: {
      text: "Bind a narrowly scoped Role in the namespace the subject works in instead of cluster-admin.",
      fix: { kubernetes: "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: app-reader" },
    },
    references: { cwe: ["CWE-269"], attack: ["T1078.004"] },
    kinds: ["k8s.rbac.binding"],
    check: (ctx) =>
      bindings(ctx)
        .filter(([, b]) => b.roleRef.name === "cluster-admin")
        .map(([node, b]) => ({
          node,
          paths: ["roleRef.name"],
          likelihood: b.subjects.some((s) => s.kind !== "User" || s.name === "default") ? 4 : undefined,
        })),
  }),
  defineRule({
    id: "TL-K8S-RBAC-003",
    title: "Role can read Secrets",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} can get, list or watch Secrets: every credential stored in its scope is readable by its subjects.",
    remediation: {
      text: "Remove Secret access, or restrict it with `resourceNames` to the one Secret that is needed.",
      fix: {
        kubernetes:
          'rules:\n  - apiGroups: [""]\n    resources: ["secrets"]\n    resourceNames: ["app-config"]\n    verbs: ["get"]',
      },
    },
    references: { cwe: ["CWE-522", "CWE-200"], attack: ["T1552.007"] },
    kinds: ["k8s.rbac.role"],
    check: (ctx) =>
      roleFindings(
        ctx,
        (r) =>
          r.resources.includes("secrets") &&
          r.resourceNames.length === 0 &&
          r.verbs.some((v) => v === "get" || v === "list" || v === "watch" || v === "*"),
      ),
  }),
  defineRule({
    id: "TL-K8S-RBAC-004",
    title: "Role allows privilege escalation paths",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    description:
      "{resource} grants verbs that lead to more privileges: creating pods or exec into them, `escalate`, `bind`, `impersonate`, node proxy or token creation.",
    remediation: {
      text: "Remove escalation verbs (escalate, bind, impersonate), pod creation/exec and nodes/proxy from roles given to workloads or people who do not administer the cluster.",
      fix: { kubernetes: 'rules:\n  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["get", "list"]' },
    },
    references: { cwe: ["CWE-269"], attack: ["T1078.004", "T1609"] },
    kinds: ["k8s.rbac.role"],
    check: (ctx) =>
      roleFindings(ctx, (r) => {
        if (r.verbs.some((v) => v === "escalate" || v === "bind" || v === "impersonate")) return true;
        const writes = r.verbs.some((v) => v === "create" || v === "*");
        if (
          writes &&
          r.resources.some((x) =>
            [
              "pods",
              "pods/exec",
              "pods/attach",
              "serviceaccounts/token",
              "deployments",
              "daemonsets",
              "cronjobs",
              "jobs",
            ].includes(x),
          )
        )
          return true;
        return r.resources.includes("nodes/proxy");
      }),
  }),
  defineRule({
    id: "TL-K8S-RBAC-005",
    title: "Binding grants rights to anonymous or all users",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    description:
      "{resource} binds a role to `system:anonymous`, `system:unauthenticated`, `system:authenticated` or every service account: no specific identity is needed to use it.",
    remediation: {
      text: "Bind roles to named users, groups or service accounts only.",
      fix: { kubernetes: "subjects:\n  - kind: ServiceAccount\n    name: app\n    namespace: prod" },
    },
    references: { cwe: ["CWE-284", "CWE-306"], attack: ["T1078"] },
    kinds: ["k8s.rbac.binding"],
    check: (ctx) =>
      bindings(ctx).flatMap(([node, b]): Finding[] => {
        const hits = b.subjects.map((s, i) => [s, i] as const).filter(([s]) => BROAD_GROUPS.has(s.name));
        return hits.length === 0 ? [] : [{ node, paths: hits.map(([, i]) => `subjects.${i}`) }];
      }),
  }),
  defineRule({
    id: "TL-K8S-NET-001",
    title: "Service exposed outside the cluster",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} is a LoadBalancer or NodePort Service open to any source address: the workloads behind it are reachable from outside the cluster.",
    remediation: {
      text: "Use a ClusterIP Service behind an Ingress with TLS and authentication, or restrict `loadBalancerSourceRanges` / make the load balancer internal.",
      fix: { kubernetes: "spec:\n  type: LoadBalancer\n  loadBalancerSourceRanges:\n    - 203.0.113.0/24" },
    },
    references: { cwe: ["CWE-668"], attack: ["T1133", "T1190"] },
    kinds: ["k8s.service"],
    check: (ctx) =>
      ctx.graph.nodes
        .filter(
          (n) =>
            n.kind === "k8s.service" &&
            (n.attrs.type === "LoadBalancer" || n.attrs.type === "NodePort") &&
            serviceExposure(n) !== undefined,
        )
        .map((node) => ({
          node,
          paths: ["spec.type"],
          related: ctx.out(node.id, "selects"),
          detail: `${node.id} is a ${String(node.attrs.type)} Service reachable from outside the cluster${
            ctx.out(node.id, "selects").length > 0
              ? `, in front of ${ctx
                  .out(node.id, "selects")
                  .map((n) => n.id)
                  .join(", ")}`
              : ""
          }.`,
        })),
  }),
  defineRule({
    id: "TL-K8S-NET-002",
    title: "No NetworkPolicy for a namespace with workloads",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} runs in a namespace with no NetworkPolicy: any pod in the cluster can connect to it, so one compromised pod can reach every other.",
    remediation: {
      text: "Add a default-deny NetworkPolicy to the namespace and allow only the flows each workload needs.",
      fix: {
        kubernetes:
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes: ["Ingress", "Egress"]',
      },
    },
    references: { cwe: ["CWE-923"], attack: ["T1021", "T1046"] },
    kinds: WORKLOAD,
    check: (ctx) => {
      const covered = new Set(
        ctx.graph.nodes.filter((n) => n.kind === "k8s.network-policy").map((n) => String(n.attrs.namespace)),
      );
      // One finding per namespace (the gap is the namespace's, not each workload's), on the workload of the
      // first file by path, naming the others. A file analysed with its folder as context sees the same
      // workloads, so exactly one file of the folder — the first — carries the finding: a folder of twelve
      // Deployments gets one threat, not twelve.
      const byNamespace = new Map<string, GraphNode[]>();
      for (const [node, w] of workloads(ctx)) {
        if (!covered.has(w.namespace)) pushTo(byNamespace, w.namespace, node);
      }
      return [...byNamespace].map(([namespace, nodes]) => {
        const [node, ...others] = [...nodes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
        const names = [node!, ...others].map((n) => n.id);
        const shown =
          names.length > 6 ? `${names.slice(0, 6).join(", ")} and ${names.length - 6} more` : names.join(", ");
        return {
          node: node!,
          paths: [""],
          related: others,
          detail: `${shown} run${others.length === 0 ? "s" : ""} in namespace \`${namespace}\`, which has no NetworkPolicy among the analysed manifests (this file and its folder).`,
          likelihood: Math.max(...[node!, ...others].map((n) => bump(ctx, n, 3) ?? 3)),
        };
      });
    },
  }),
  defineRule({
    id: "TL-K8S-NET-003",
    title: "Ingress without TLS",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} declares no TLS: traffic from clients to the cluster, including credentials, travels in clear text.",
    remediation: {
      text: "Add a `tls` section with the hosts and a certificate Secret (for example from cert-manager).",
      fix: { kubernetes: 'spec:\n  tls:\n    - hosts: ["app.example.com"]\n      secretName: app-tls' },
    },
    references: { cwe: ["CWE-319"], capec: ["CAPEC-157"], attack: ["T1557"] },
    kinds: ["k8s.ingress"],
    check: (ctx) =>
      ctx.graph.nodes
        .filter((n) => n.kind === "k8s.ingress" && n.attrs.tls !== true)
        .map((node) => ({ node, paths: ["spec"], related: ctx.out(node.id, "routes-to") })),
  }),
  defineRule({
    id: "TL-K8S-NET-004",
    title: "Service with externalIPs",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    description:
      "{resource} sets externalIPs: anyone allowed to create such Services can intercept traffic to those addresses (CVE-2020-8554).",
    remediation: {
      text: "Remove `externalIPs`; use a LoadBalancer or Ingress, and block externalIPs with an admission policy.",
      fix: { kubernetes: "spec:\n  type: ClusterIP" },
    },
    references: { cwe: ["CWE-300"], capec: ["CAPEC-94"], attack: ["T1557"] },
    kinds: ["k8s.service"],
    check: (ctx) =>
      ctx.graph.nodes
        .filter((n) => n.kind === "k8s.service" && ((n.attrs.externalIPs as string[] | undefined) ?? []).length > 0)
        .map((node) => ({ node, paths: ["spec.externalIPs"] })),
  }),
];
