import { seededRandom } from "@threatline/domain";
import { estimateTokens, type SourceFile } from "@threatline/engine";

function deployment(name: string, ns: string, r: () => number): string {
  const containers = 1 + Math.floor(r() * 3);
  const lines = [
    `apiVersion: apps/v1`,
    `kind: Deployment`,
    `metadata:`,
    `  name: ${name}`,
    `  namespace: ${ns}`,
    `  labels:`,
    `    app: ${name}`,
    `    team: payments`,
    `spec:`,
    `  replicas: ${1 + Math.floor(r() * 5)}`,
    `  selector:`,
    `    matchLabels:`,
    `      app: ${name}`,
    `  template:`,
    `    metadata:`,
    `      labels:`,
    `        app: ${name}`,
    `    spec:`,
  ];
  if (r() < 0.3) lines.push(`      hostNetwork: true`);
  lines.push(`      containers:`);
  for (let c = 0; c < containers; c += 1) {
    lines.push(
      `        - name: ${name}-c${c}`,
      `          image: registry.example.com/${name}:${r() < 0.3 ? "latest" : `1.${Math.floor(r() * 20)}.${Math.floor(r() * 9)}`}`,
      `          ports:`,
      `            - containerPort: ${8000 + Math.floor(r() * 100)}`,
      `          env:`,
    );
    const envs = 3 + Math.floor(r() * 8);
    for (let e = 0; e < envs; e += 1)
      lines.push(
        `            - name: SETTING_${e}_${name.toUpperCase().replace(/-/g, "_")}`,
        `              value: "value-${Math.floor(r() * 1e6)}"`,
      );
    if (r() < 0.5) {
      lines.push(
        `          resources:`,
        `            limits:`,
        `              cpu: 500m`,
        `              memory: 256Mi`,
      );
    }
    if (r() < 0.3) lines.push(`          securityContext:`, `            privileged: true`);
    else
      lines.push(
        `          securityContext:`,
        `            runAsNonRoot: true`,
        `            readOnlyRootFilesystem: true`,
        `            allowPrivilegeEscalation: false`,
      );
  }
  return lines.join("\n");
}

function service(name: string, ns: string, r: () => number): string {
  return [
    `apiVersion: v1`,
    `kind: Service`,
    `metadata:`,
    `  name: ${name}`,
    `  namespace: ${ns}`,
    `spec:`,
    `  type: ${r() < 0.3 ? "LoadBalancer" : "ClusterIP"}`,
    `  selector:`,
    `    app: ${name}`,
    `  ports:`,
    `    - port: 80`,
    `      targetPort: 8080`,
  ].join("\n");
}

function configMap(name: string, ns: string, r: () => number): string {
  const lines = [
    `apiVersion: v1`,
    `kind: ConfigMap`,
    `metadata:`,
    `  name: ${name}-config`,
    `  namespace: ${ns}`,
    `data:`,
  ];
  const keys = 4 + Math.floor(r() * 12);
  for (let k = 0; k < keys; k += 1)
    lines.push(
      `  key_${k}.properties: |`,
      ...Array.from(
        { length: 3 + Math.floor(r() * 6) },
        (_, l) => `    property.${k}.${l}=some configuration value ${Math.floor(r() * 1e9)}`,
      ),
    );
  return lines.join("\n");
}

/**
 * `count` Kubernetes manifests whose raw sizes are spread log-uniformly over [minTokens, maxTokens]
 * (engine token estimate): deployments (some privileged, some on `latest`), services (some public) and
 * config maps, so both the graph and the raw text grow with the size.
 */
export function pipelineCorpus(count: number, minTokens = 2_000, maxTokens = 40_000, seed = 42): SourceFile[] {
  const r = seededRandom(seed); // the same 300 templates on every run
  const files: SourceFile[] = [];
  for (let i = 0; i < count; i += 1) {
    const target = Math.exp(Math.log(minTokens) + r() * (Math.log(maxTokens) - Math.log(minTokens)));
    const ns = `team-${i % 7}`;
    const docs: string[] = [];
    let tokens = 0;
    for (let j = 0; tokens < target; j += 1) {
      const name = `svc-${i}-${j}`;
      const doc = [
        deployment(name, ns, r),
        r() < 0.7 ? service(name, ns, r) : null,
        r() < 0.6 ? configMap(name, ns, r) : null,
      ]
        .filter((d): d is string => d !== null)
        .join("\n---\n");
      docs.push(doc);
      tokens += estimateTokens(doc) + 1;
    }
    files.push({ path: `bench/k8s-${String(i).padStart(3, "0")}.yaml`, content: `${docs.join("\n---\n")}\n` });
  }
  return files;
}
