/**
 * A large OpenAPI contract: how long the engine takes on a ~3 MB spec of 700 operations and how many threats a
 * reviewer gets to read. The spec is generated (seeded, so every run reads the same text): 140 resources with
 * list/create/get/update/delete operations, shared schemas, string and array inputs without bounds, a few admin
 * and v1 paths, the shape of a large real API.
 *
 * Run: `npx tsx bench/openapi-large.ts [--engine <checkout dir>] [--baseline <checkout dir>]` (writes
 * bench/results/openapi-large.md unless another engine is given). With `--baseline`, the baseline's engine is timed
 * in the same process, its runs alternating with this engine's, and the ratio of the medians is recorded: on a
 * shared, noisy machine that ratio is the comparable figure, not the seconds.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadavg } from "node:os";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: args } = parseArgs({ options: { engine: { type: "string" }, baseline: { type: "string" } } });
const engineDir = args.engine ?? root;
type Engine = {
  analyze: (f: { path: string; content: string }[]) => Promise<{ threats: { ruleId?: string; severity: string }[] }>;
  ENGINE_VERSION: string;
};
const load = async (dir: string): Promise<Engine> =>
  (await import(pathToFileURL(join(dir, "packages/engine/src/index.ts")).href)) as Engine;
const { analyze, ENGINE_VERSION } = await load(engineDir);
const baseline = args.baseline ? await load(args.baseline) : undefined;

function spec(resources: number): string {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const errors = { "401": { description: "Not authenticated" }, "403": { description: "Not allowed" } };
  for (let r = 0; r < resources; r++) {
    const name = `Resource${r}`;
    const base = r % 20 === 0 ? `/admin/resource${r}s` : r % 17 === 0 ? `/v1/resource${r}s` : `/v2/resource${r}s`;
    const properties: Record<string, unknown> = { id: { type: "string", format: "uuid", readOnly: true } };
    for (let f = 0; f < 90; f++)
      properties[`field${f}`] =
        f % 5 === 0
          ? { type: "array", items: { type: "string", maxLength: 64 }, description: `List ${f} of ${name}.` }
          : {
              type: "string",
              description: `Field ${f} of ${name}, documented at length as large specs do.`,
              ...(f % 3 ? { maxLength: 256 } : {}),
            };
    if (r % 11 === 0) properties.status = { type: "string" };
    schemas[name] = { type: "object", description: `A ${name}.`, properties };
    const ref = { $ref: `#/components/schemas/${name}` };
    const json = (schema: unknown): unknown => ({ "application/json": { schema } });
    paths[base] = {
      get: {
        operationId: `list${name}`,
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", ...(r % 4 ? { maximum: 100 } : {}) } },
          { name: r % 9 === 0 ? "filter" : "cursor", in: "query", schema: { type: "string", maxLength: 200 } },
        ],
        responses: { "200": { description: "Page", content: json({ type: "array", items: ref }) }, ...errors },
      },
      post: {
        operationId: `create${name}`,
        requestBody: { content: json(ref) },
        responses: { "201": { description: "Created", content: json(ref) }, ...errors },
      },
    };
    paths[`${base}/{${name.toLowerCase()}Id}`] = {
      parameters: [
        { name: `${name.toLowerCase()}Id`, in: "path", required: true, schema: { type: "string", format: "uuid" } },
      ],
      get: {
        operationId: `get${name}`,
        responses: {
          "200": { description: "One", content: json(ref) },
          "404": { description: "Not found" },
          ...errors,
        },
      },
      put: {
        operationId: `update${name}`,
        requestBody: { content: json(ref) },
        responses: { "200": { description: "Updated", content: json(ref) }, ...errors },
      },
      delete: { operationId: `delete${name}`, responses: { "204": { description: "Deleted" }, ...errors } },
    };
  }
  return JSON.stringify(
    {
      openapi: "3.0.3",
      info: { title: "Large", version: "1.0.0" },
      servers: [{ url: "https://api.example.com" }],
      security: [{ oauth: ["read", "write"] }],
      components: {
        securitySchemes: {
          oauth: {
            type: "oauth2",
            flows: {
              authorizationCode: {
                authorizationUrl: "https://auth.example.com/a",
                tokenUrl: "https://auth.example.com/t",
                scopes: { read: "r", write: "w" },
              },
            },
          },
        },
        schemas,
      },
      paths,
    },
    null,
    2,
  );
}

const content = spec(140);
const file = { path: "large.json", content };
await analyze([file]); // warm-up: module loading and JIT
if (baseline) await baseline.analyze([file]);
const loadBefore = loadavg();
const runs: number[] = [];
const baseRuns: number[] = [];
let threats: { ruleId?: string; severity: string }[] = [];
let baseThreats = 0;
for (let i = 0; i < 5; i++) {
  if (baseline) {
    const b0 = performance.now();
    baseThreats = (await baseline.analyze([file])).threats.length;
    baseRuns.push(performance.now() - b0);
  }
  const t0 = performance.now();
  threats = (await analyze([file])).threats;
  runs.push(performance.now() - t0);
}
const loadAfter = loadavg();
runs.sort((a, b) => a - b);
baseRuns.sort((a, b) => a - b);
const fmt = (l: number[]): string => l.map((x) => x.toFixed(1)).join(" / ");
const bySeverity: Record<string, number> = {};
for (const t of threats) bySeverity[t.severity] = (bySeverity[t.severity] ?? 0) + 1;
const byRule: Record<string, number> = {};
for (const t of threats) byRule[t.ruleId ?? ""] = (byRule[t.ruleId ?? ""] ?? 0) + 1;
const lines = [
  `# OpenAPI: one large contract`,
  "",
  `Engine ${ENGINE_VERSION}; spec ${(content.length / 1024 / 1024).toFixed(2)} MB, 700 operations (generated by bench/openapi-large.ts).`,
  "",
  `| analyze, median of 5 | min | max | threats | by severity |`,
  `|---|---|---|---|---|`,
  `| ${(runs[2]! / 1000).toFixed(2)} s | ${(runs[0]! / 1000).toFixed(2)} s | ${(runs[4]! / 1000).toFixed(2)} s | ${threats.length} | ${Object.entries(
    bySeverity,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(", ")} |`,
  ...(baseline
    ? [
        `| baseline engine ${baseline.ENGINE_VERSION}: ${(baseRuns[2]! / 1000).toFixed(2)} s | ${(baseRuns[0]! / 1000).toFixed(2)} s | ${(baseRuns[4]! / 1000).toFixed(2)} s | ${baseThreats} | |`,
        "",
        `Median time ÷ baseline's (runs alternating in one process): **${(runs[2]! / baseRuns[2]!).toFixed(2)}×**.`,
      ]
    : []),
  "",
  `Load average (1/5/15 min) ${fmt(loadBefore)} before the timed runs, ${fmt(loadAfter)} after, on the machine's shared cores.`,
  "",
  "Threats per rule: " +
    Object.entries(byRule)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(", "),
  "",
];
process.stdout.write(lines.join("\n"));
if (!args.engine) writeFileSync(join(root, "bench/results/openapi-large.md"), lines.join("\n"));
