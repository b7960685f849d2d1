/* eslint-disable @typescript-eslint/no-explicit-any -- the fixtures are untyped documents, mutated in place by each case */
/**
 * How much a template costs in a prompt: raw text vs the compact graph, in estimated tokens.
 *
 * Files: every corpus file in `bench/corpus/<format>/`, plus two large templates made from it (the
 * Kubernetes corpus rendered as ten Helm releases into one file, and one OpenAPI document with 72
 * operations), because the compact form matters most where templates are large.
 *
 * Run: `npx tsx bench/compact-size.ts` (writes bench/results/compact-size.md).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { countTokens } from "@anthropic-ai/tokenizer";
import { parseAllDocuments, stringify } from "yaml";
import { analyze, compactGraph, estimateTokens, type SourceFile } from "@threatline/engine";

const root = fileURLToPath(new URL("..", import.meta.url));
const corpusDir = join(root, "bench/corpus");

function corpus(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const format of readdirSync(corpusDir).sort()) {
    for (const name of readdirSync(join(corpusDir, format)).sort()) {
      if (name.endsWith(".expected.json") || name.startsWith(".")) continue;
      files.push({ path: `${format}/${name}`, content: readFileSync(join(corpusDir, format, name), "utf8") });
    }
  }
  return files;
}

/**
 * The Kubernetes corpus rendered the way `helm template` prints a chart: ten releases (namespaces), block
 * style, with the standard labels and checksum annotation Helm charts add to every object.
 */
function largeKubernetes(files: readonly SourceFile[]): SourceFile {
  const docs = files
    .filter((f) => f.path.startsWith("kubernetes/"))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Record<string, any> | null));
  const out: string[] = [];
  for (let i = 0; i < 10; i++) {
    for (const doc of docs) {
      if (!doc) continue;
      const copy = structuredClone(doc);
      const meta = (copy.metadata ??= {});
      if (meta.namespace) meta.namespace = `${String(meta.namespace)}-${i}`;
      meta.labels = {
        ...meta.labels,
        "app.kubernetes.io/name": meta.name,
        "app.kubernetes.io/instance": `release-${i}`,
        "app.kubernetes.io/version": "1.16.0",
        "app.kubernetes.io/managed-by": "Helm",
        "helm.sh/chart": `platform-0.${i}.2`,
      };
      meta.annotations = {
        ...meta.annotations,
        "meta.helm.sh/release-name": `release-${i}`,
        "meta.helm.sh/release-namespace": meta.namespace ?? "default",
      };
      const template = copy.spec?.template ?? copy.spec?.jobTemplate?.spec?.template;
      if (template?.metadata)
        template.metadata.annotations = {
          "checksum/config": "9f2b4c1d0e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c",
        };
      out.push(`# Source: platform/templates/${String(copy.kind).toLowerCase()}.yaml\n${stringify(copy)}`);
    }
  }
  return { path: "large/platform-rendered.yaml", content: `---\n${out.join("---\n")}` };
}

function largeOpenApi(): SourceFile {
  const resources = [
    "users",
    "orders",
    "invoices",
    "products",
    "carts",
    "payments",
    "shipments",
    "reviews",
    "coupons",
    "stores",
    "teams",
    "webhooks",
  ];
  const paths: string[] = [];
  for (const r of resources) {
    for (const suffix of ["", "/{id}"]) {
      paths.push(`  /${r}${suffix}:`);
      for (const method of suffix ? ["get", "put", "patch", "delete"] : ["get", "post"]) {
        paths.push(`    ${method}:`);
        paths.push(`      operationId: ${method}${r}${suffix ? "ById" : ""}`);
        paths.push(`      summary: ${method.toUpperCase()} ${r}`);
        paths.push(`      description: |`);
        paths.push(
          `        ${method === "get" ? "Returns" : "Changes"} ${r}. This endpoint is part of the public API and is documented for partners.`,
        );
        paths.push(
          `        Pagination follows the usual cursor conventions; see the developer guide for details and examples.`,
        );
        paths.push(`      tags: [${r}]`);
        if (suffix)
          paths.push(
            `      parameters:\n        - { name: id, in: path, required: true, description: The ${r} id, schema: { type: string, format: uuid } }`,
          );
        if (method !== "get" && method !== "delete") {
          paths.push(
            `      requestBody:\n        content:\n          application/json:\n            schema: { $ref: "#/components/schemas/${r}" }`,
          );
        }
        paths.push(`      responses:`);
        paths.push(
          `        "200":\n          description: OK\n          content:\n            application/json:\n              schema: { $ref: "#/components/schemas/${r}" }\n              example: { id: "7b0c2c5e-4c8f-4a51-9a9c-2f3c6d6f1a11", name: "Example ${r}", createdAt: "2024-05-01T10:00:00Z" }`,
        );
        paths.push(`        "401": { description: Not authenticated }\n        "404": { description: Not found }`);
      }
    }
  }
  const schemas = resources.map(
    (r) =>
      `    ${r}:\n      type: object\n      description: A ${r} record as stored by the service.\n      properties:\n        id: { type: string, format: uuid, readOnly: true, description: Identifier }\n        name: { type: string, maxLength: 200, description: Display name }\n        createdAt: { type: string, format: date-time, readOnly: true }\n        notes: { type: string, description: Free text }\n        items: { type: array, items: { type: string, maxLength: 40 } }`,
  );
  const content = `openapi: 3.0.3\ninfo:\n  title: Commerce platform\n  version: "7.3.0"\n  description: The public commerce API.\n  contact: { name: API team, email: api@example.com }\nservers:\n  - url: https://api.example.com/v7\nsecurity:\n  - bearer: []\npaths:\n${paths.join("\n")}\ncomponents:\n  securitySchemes:\n    bearer: { type: http, scheme: bearer }\n  schemas:\n${schemas.join("\n")}\n`;
  return { path: "large/commerce-openapi.yaml", content };
}

async function main(): Promise<void> {
  const files = corpus();
  const all = [...files, largeKubernetes(files), largeOpenApi()];
  const rows: string[] = [];
  let rawTotal = 0;
  let compactTotal = 0;
  let rawReal = 0;
  let compactReal = 0;
  for (const file of all) {
    const { graph, threats, files: reports } = await analyze([file]);
    const raw = estimateTokens(file.content);
    const bare = compactGraph(graph).tokens;
    const compact = compactGraph(graph, { ruleThreats: threats });
    const realRaw = countTokens(file.content);
    const realCompact = countTokens(compact.text);
    rawTotal += raw;
    compactTotal += compact.tokens;
    rawReal += realRaw;
    compactReal += realCompact;
    rows.push(
      `| \`${file.path}\` | ${reports[0]?.resources ?? 0} | ${raw} (${realRaw}) | ${bare} | ${compact.tokens} (${realCompact}) | ${((compact.tokens / raw) * 100).toFixed(0)}% |`,
    );
  }
  const lines = [
    "# Compact graph size",
    "",
    "Produced by `npx tsx bench/compact-size.ts`. Token counts are `estimateTokens()` estimates (see `packages/engine/src/compact/tokens.ts`); in parentheses, the count of `@anthropic-ai/tokenizer` (the legacy Claude tokenizer, a calibration reference only: current Claude models tokenize differently and usually into more tokens). Columns: the raw file; `compactGraph()` alone; `compactGraph()` with the rule-findings summary. The two `large/` files are built in memory from the corpus (see the script).",
    "",
    "| file | resources | raw tokens (reference) | compact | compact + rule summary (reference) | compact / raw |",
    "|---|---|---|---|---|---|",
    ...rows,
    `| **total** | | ${rawTotal} (${rawReal}) | | ${compactTotal} (${compactReal}) | ${((compactTotal / rawTotal) * 100).toFixed(0)}% |`,
    "",
    `The estimate is ${(rawTotal / rawReal).toFixed(2)}× the reference count on raw files and ${(compactTotal / compactReal).toFixed(2)}× on compact text: it errs high on purpose, so budgets computed with it hold.`,
    "",
    "Small files gain little or nothing (the rule summary and the node headers cost about what terse YAML does); large templates, where descriptions, labels, annotations and repeated structure dominate, shrink to about a third.",
    "",
  ];
  writeFileSync(join(root, "bench/results/compact-size.md"), `${lines.join("\n")}\n`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
