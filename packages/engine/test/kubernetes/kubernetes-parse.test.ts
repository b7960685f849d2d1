import { describe, expect, it } from "vitest";
import { buildGraph } from "../../src/index.ts";
import { looksLikeKubernetes, type WorkloadAttrs } from "../../src/kubernetes/index.ts";
import { cleanManifests, manifests } from "./bases.ts";

describe("Kubernetes parsing", () => {
  it("detects manifests from content", () => {
    expect(looksLikeKubernetes("apiVersion: v1\nkind: Service\n")).toBe(true);
    expect(looksLikeKubernetes('{"apiVersion":"v1","kind":"Pod"}')).toBe(true);
    expect(looksLikeKubernetes("openapi: 3.0.0\n")).toBe(false);
    expect(
      looksLikeKubernetes(
        'resource "kubernetes_manifest" "p" {\n  manifest = yamldecode(<<EOF\napiVersion: v1\nkind: Pod\nEOF\n  )\n}\n',
      ),
    ).toBe(false);
    expect(
      looksLikeKubernetes(
        '{"format_version":"1.2","terraform_version":"1.9.0","resource_changes":[{"apiVersion":"v1","kind":"x"}]}',
      ),
    ).toBe(false);
  });

  it("names resources Kind/namespace/name, defaults the namespace, and keeps cluster-scoped kinds namespace-free", async () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
    - name: c
      image: busybox:1.36
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: cfg, namespace: ops }
    data: { a: b }
`;
    const { graph, files } = await buildGraph([{ path: "m.yaml", content: text }]);
    expect(files[0]).toMatchObject({ format: "kubernetes", resources: 3 });
    expect(graph.nodes.map((n) => [n.id, n.kind, n.type, n.line])).toEqual([
      ["Pod/default/solo", "k8s.workload", "v1/Pod", 1],
      ["ClusterRole/reader", "k8s.rbac.role", "rbac.authorization.k8s.io/v1/ClusterRole", 10],
      ["ConfigMap/ops/cfg", "k8s.configmap", "v1/ConfigMap", 19],
    ]);
    const pod = graph.nodes[0]!;
    expect(pod.propertyLines["spec.containers.0.image"]).toBe(8);
    expect((pod.attrs as unknown as WorkloadAttrs).containers[0]).toMatchObject({
      name: "c",
      image: "busybox:1.36",
      init: false,
      path: "spec.containers.0",
    });
  });

  it("links Services to workloads, Ingresses to Services, bindings to roles and subjects, workloads to service accounts", async () => {
    const { graph } = await buildGraph([{ path: "k.yaml", content: manifests(cleanManifests()) }]);
    const edges = graph.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        "Service/prod/web -selects-> Deployment/prod/web",
        "Ingress/prod/web -routes-to-> Service/prod/web",
        "RoleBinding/prod/web-config-reader -references-> Role/prod/web-config-reader",
        "RoleBinding/prod/web-config-reader -references-> ServiceAccount/prod/web",
        "Deployment/prod/web -references-> ServiceAccount/prod/web",
        "NetworkPolicy/prod/default-deny -selects-> Deployment/prod/web",
      ]),
    );
    expect(graph.facts.identities).toContain("ServiceAccount/prod/web");
    const exposed = graph.facts.exposures.find((e) => e.nodeId === "Deployment/prod/web");
    expect(exposed?.path).toEqual(["Ingress/prod/web", "Service/prod/web", "Deployment/prod/web"]);
  });

  it("normalizes CronJob pod specs and treats LoadBalancer / NodePort Services as exposure", async () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: ops }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { job: backup } }
        spec:
          hostPID: true
          containers:
            - name: b
              image: backup:2
              securityContext: { capabilities: { add: [cap_sys_admin] } }
---
apiVersion: v1
kind: Service
metadata: { name: np, namespace: ops }
spec: { type: NodePort, selector: { job: backup }, ports: [{ port: 80, nodePort: 30080 }] }
`;
    const { graph } = await buildGraph([{ path: "c.yaml", content: text }]);
    const job = graph.nodes.find((n) => n.id === "CronJob/ops/backup")!.attrs as unknown as WorkloadAttrs;
    expect(job.podSpecPath).toBe("spec.jobTemplate.spec.template.spec");
    expect(job.hostPID).toBe(true);
    expect(job.containers[0]?.capabilitiesAdd).toEqual(["SYS_ADMIN"]);
    expect(graph.facts.exposures.map((e) => e.nodeId)).toEqual(
      expect.arrayContaining(["Service/ops/np", "CronJob/ops/backup"]),
    );
  });

  it("reports hard-coded Secret data as secrets and skips placeholders", async () => {
    const text = `apiVersion: v1
kind: Secret
metadata: { name: creds, namespace: prod }
data:
  password: ${btoa("Tr0ub4dor&3-horse")}
  placeholder: ${btoa("<your-password>")}
stringData:
  token: "\${TOKEN}"
  api-key: 9f8e7d6c5b4a3f2e1d0c
`;
    const { graph } = await buildGraph([{ path: "s.yaml", content: text }]);
    expect(graph.facts.secrets.map((s) => [s.nodeId, s.path, s.kind, s.line])).toEqual([
      ["Secret/prod/creds", "data.password", "password", 5],
      ["Secret/prod/creds", "stringData.api-key", "token", 9],
    ]);
  });
});
