/* eslint-disable @typescript-eslint/no-explicit-any -- the fixtures are untyped documents, mutated in place by each case */
import { stringify } from "yaml";

/** Hardened manifests that no rule fires on; each rule test breaks one thing in a copy. */
export function cleanManifests(): Record<string, any>[] {
  return [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "web", namespace: "prod" },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "prod", labels: { app: "web" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            serviceAccountName: "web",
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "web",
                image: "registry.example.com/web:1.4.2",
                ports: [{ containerPort: 8080 }],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                env: [
                  { name: "LOG_LEVEL", value: "info" },
                  { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-credentials", key: "password" } } },
                ],
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "prod" },
      spec: { type: "ClusterIP", selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "web", namespace: "prod" },
      spec: {
        ingressClassName: "nginx",
        tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }],
        rules: [
          {
            host: "web.example.com",
            http: {
              paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }],
            },
          },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny", namespace: "prod" },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "web-config-reader", namespace: "prod" },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "web-config-reader", namespace: "prod" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "web-config-reader" },
      subjects: [{ kind: "ServiceAccount", name: "web", namespace: "prod" }],
    },
  ];
}

export function manifests(docs: readonly unknown[]): string {
  return docs.map((d) => stringify(d, { aliasDuplicateObjects: false })).join("---\n");
}

/** The Deployment's pod spec and first container, for mutations. */
export function pod(docs: Record<string, any>[]): { spec: Record<string, any>; container: Record<string, any> } {
  const deployment = docs.find((d) => d.kind === "Deployment")!;
  const spec = deployment.spec.template.spec;
  return { spec, container: spec.containers[0] };
}
