/* eslint-disable @typescript-eslint/no-explicit-any -- the fixtures are untyped documents, mutated in place by each case */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";
import { ruleCaseTests, ruleIdsOf, type RuleCaseSuite } from "../rule-cases.ts";
import { KUBERNETES_RULES } from "../../src/kubernetes/rules.ts";
import { cleanManifests, manifests, pod } from "./bases.ts";

type Doc = Record<string, any>;

function ruleIds(docs: Doc[]): Promise<string[]> {
  return ruleIdsOf(suite, docs);
}

const find = (docs: Doc[], kind: string): Doc => docs.find((d) => d.kind === kind)!;

const CASES: Record<string, { positive: (d: Doc[]) => void; negative?: (d: Doc[]) => void }> = {
  "TL-K8S-POD-001": {
    positive: (d) => (pod(d).container.securityContext.privileged = true),
    negative: (d) => (pod(d).container.securityContext.privileged = false),
  },
  "TL-K8S-POD-002": {
    positive: (d) => (pod(d).spec.hostPID = true),
    negative: (d) => (pod(d).spec.hostNetwork = false),
  },
  "TL-K8S-POD-003": {
    positive: (d) => (pod(d).container.securityContext.runAsUser = 0),
    negative: (d) => {
      delete pod(d).spec.securityContext.runAsNonRoot;
      pod(d).container.securityContext.runAsUser = 1000;
    },
  },
  "TL-K8S-POD-004": {
    positive: (d) => delete pod(d).container.securityContext.allowPrivilegeEscalation,
    // Kubernetes forces escalation on for a privileged container: POD-001 says so, this would repeat it.
    negative: (d) => {
      delete pod(d).container.securityContext.allowPrivilegeEscalation;
      pod(d).container.securityContext.privileged = true;
    },
  },
  "TL-K8S-POD-005": {
    positive: (d) => (pod(d).container.securityContext.capabilities.add = ["NET_ADMIN"]),
    negative: (d) => (pod(d).container.securityContext.capabilities.add = ["NET_BIND_SERVICE"]),
  },
  "TL-K8S-POD-006": {
    positive: (d) => delete pod(d).container.resources.limits,
    negative: (d) => delete pod(d).container.resources.requests,
  },
  "TL-K8S-POD-007": {
    positive: (d) => (pod(d).container.image = "nginx:latest"),
    negative: (d) =>
      (pod(d).container.image =
        "registry.example.com:5000/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
  },
  "TL-K8S-POD-008": {
    positive: (d) => pod(d).container.env.push({ name: "API_TOKEN", value: "tok-8f3a9c2e7d1b" }),
    negative: (d) => pod(d).container.env.push({ name: "API_TOKEN_FILE", value: "/var/run/secrets/token" }),
  },
  "TL-K8S-POD-009": {
    positive: (d) => pod(d).spec.volumes.push({ name: "sock", hostPath: { path: "/var/run/docker.sock" } }),
    negative: (d) => pod(d).spec.volumes.push({ name: "cache", emptyDir: { medium: "Memory" } }),
  },
  "TL-K8S-POD-010": {
    positive: (d) => {
      delete pod(d).spec.automountServiceAccountToken;
      delete find(d, "ServiceAccount").automountServiceAccountToken;
    },
    negative: (d) => {
      delete pod(d).spec.automountServiceAccountToken;
      find(d, "ServiceAccount").automountServiceAccountToken = false;
    },
  },
  "TL-K8S-POD-011": { positive: (d) => (pod(d).container.securityContext.readOnlyRootFilesystem = false) },
  "TL-K8S-POD-012": { positive: (d) => (pod(d).container.securityContext.capabilities.drop = ["NET_RAW"]) },
  "TL-K8S-POD-013": {
    positive: (d) => (pod(d).container.ports[0].hostPort = 8080),
    negative: (d) => (pod(d).container.ports[0].name = "http"),
  },
  "TL-K8S-POD-014": {
    positive: (d) => (pod(d).spec.securityContext.seccompProfile.type = "Unconfined"),
    negative: (d) =>
      (pod(d).spec.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "profiles/web.json" }),
  },
  "TL-K8S-RBAC-001": { positive: (d) => (find(d, "Role").rules[0].verbs = ["*"]) },
  "TL-K8S-RBAC-002": {
    positive: (d) =>
      d.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "web-admin" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "web", namespace: "prod" }],
      }),
    negative: (d) =>
      d.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "web-view" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "ServiceAccount", name: "web", namespace: "prod" }],
      }),
  },
  "TL-K8S-RBAC-003": {
    positive: (d) => find(d, "Role").rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }),
    negative: (d) =>
      find(d, "Role").rules.push({
        apiGroups: [""],
        resources: ["secrets"],
        resourceNames: ["web-config"],
        verbs: ["get"],
      }),
  },
  "TL-K8S-RBAC-004": {
    positive: (d) => find(d, "Role").rules.push({ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }),
    negative: (d) => find(d, "Role").rules.push({ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }),
  },
  "TL-K8S-RBAC-005": {
    positive: (d) =>
      find(d, "RoleBinding").subjects.push({
        kind: "Group",
        name: "system:unauthenticated",
        apiGroup: "rbac.authorization.k8s.io",
      }),
    negative: (d) =>
      find(d, "RoleBinding").subjects.push({
        kind: "Group",
        name: "web-operators",
        apiGroup: "rbac.authorization.k8s.io",
      }),
  },
  "TL-K8S-NET-001": {
    positive: (d) => (find(d, "Service").spec.type = "LoadBalancer"),
    negative: (d) => {
      find(d, "Service").spec.type = "LoadBalancer";
      find(d, "Service").spec.loadBalancerSourceRanges = ["203.0.113.0/24"];
    },
  },
  "TL-K8S-NET-002": {
    positive: (d) => (find(d, "NetworkPolicy").metadata.namespace = "other"),
  },
  "TL-K8S-NET-003": { positive: (d) => delete find(d, "Ingress").spec.tls },
  "TL-K8S-NET-004": { positive: (d) => (find(d, "Service").spec.externalIPs = ["198.51.100.7"]) },
};

const suite: RuleCaseSuite<Doc[]> = { path: "k8s.yaml", clean: cleanManifests, render: manifests, cases: CASES };

describe("Kubernetes rules", () => {
  it("has a case for every rule and at least 20 rules", () => {
    expect(KUBERNETES_RULES.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(CASES).sort()).toEqual(KUBERNETES_RULES.map((r) => r.id).sort());
  });

  it("finds nothing in the clean manifests", async () => {
    expect(await ruleIds(cleanManifests())).toEqual([]);
  });

  ruleCaseTests(suite);

  it("raises likelihood for a workload exposed through a LoadBalancer and points evidence at the property", async () => {
    const docs = cleanManifests().filter((d) => d.kind !== "Ingress");
    pod(docs).container.securityContext.privileged = true;
    const quiet = (await analyze([{ path: "k.yaml", content: manifests(docs) }])).threats.find(
      (t) => t.ruleId === "TL-K8S-POD-001",
    )!;
    find(docs, "Service").spec.type = "LoadBalancer";
    const text = manifests(docs);
    const loud = (await analyze([{ path: "k.yaml", content: text }])).threats.find(
      (t) => t.ruleId === "TL-K8S-POD-001",
    )!;
    expect(loud.likelihood).toBeGreaterThan(quiet.likelihood);
    expect(loud.resources[0]?.id).toBe("Deployment/prod/web");
    expect(text.split("\n")[loud.evidence[0]!.line! - 1]).toContain("privileged: true");
    expect(loud.remediations[0]?.fix).toContain("privileged: false");
  });

  describe("rules that no longer fire where their threat does not apply", () => {
    const threatsOf = async (docs: Doc[]) => (await analyze([{ path: "k.yaml", content: manifests(docs) }])).threats;

    it("TL-K8S-POD-004 leaves containers with SYS_ADMIN to POD-005, and privileged ones to POD-001", async () => {
      for (const [change, other] of [
        [(c: Doc) => (c.securityContext.capabilities.add = ["SYS_ADMIN"]), "TL-K8S-POD-005"],
        [(c: Doc) => (c.securityContext.privileged = true), "TL-K8S-POD-001"],
      ] as const) {
        const docs = cleanManifests();
        delete pod(docs).container.securityContext.allowPrivilegeEscalation;
        change(pod(docs).container);
        const ids = await ruleIds(docs);
        expect(ids).not.toContain("TL-K8S-POD-004");
        expect(ids).toContain(other);
      }
    });

    /** The workload on its namespace's default service account, with the token mounted by default. */
    const onDefaultAccount = (): Doc[] => {
      const docs = cleanManifests().filter((d) => d.kind !== "ServiceAccount" && d.kind !== "RoleBinding");
      delete pod(docs).spec.serviceAccountName;
      delete pod(docs).spec.automountServiceAccountToken;
      return docs;
    };

    it("TL-K8S-POD-010 stays silent for the default service account that nothing grants rights to", async () => {
      expect(await ruleIds(onDefaultAccount())).not.toContain("TL-K8S-POD-010");
    });

    it("TL-K8S-POD-010 still fires when the default account is bound, named explicitly with automount on, or the account is named", async () => {
      const bound = onDefaultAccount();
      bound.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "default-reader", namespace: "prod" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "web-config-reader" },
        subjects: [{ kind: "ServiceAccount", name: "default", namespace: "prod" }],
      });
      const explicit = onDefaultAccount();
      pod(explicit).spec.automountServiceAccountToken = true;
      const named = onDefaultAccount();
      pod(named).spec.serviceAccountName = "web";
      const everyAccount = onDefaultAccount();
      everyAccount.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "all-sa-view" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "Group", name: "system:serviceaccounts", apiGroup: "rbac.authorization.k8s.io" }],
      });
      for (const docs of [bound, explicit, named, everyAccount])
        expect(await ruleIds(docs)).toContain("TL-K8S-POD-010");
    });

    it("TL-K8S-NET-002 reports a namespace without NetworkPolicy once, naming each workload in it", async () => {
      const docs = cleanManifests().filter((d) => d.kind !== "NetworkPolicy");
      const second = structuredClone(docs.find((d) => d.kind === "Deployment")!);
      second.metadata.name = "worker";
      docs.push(second);
      const found = (await threatsOf(docs)).filter((t) => t.ruleId === "TL-K8S-NET-002");
      expect(found).toHaveLength(1);
      expect(found[0]!.resources.map((r) => r.id)).toEqual(["Deployment/prod/web", "Deployment/prod/worker"]);
      expect(found[0]!.description).toContain("Deployment/prod/worker");
    });
  });

  it("every rule has docs, a Kubernetes fix and references", () => {
    for (const rule of KUBERNETES_RULES) {
      expect(rule.description).toContain("{resource}");
      expect(rule.docs).toContain(rule.title);
      expect(rule.remediation.fix?.kubernetes).toBeTruthy();
      expect(rule.references.cwe?.length).toBeGreaterThan(0);
    }
  });
});
