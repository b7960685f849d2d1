import { edgeKindFor } from "../aws/reference-kinds.ts";
import { buildAwsGraph } from "../aws/normalize.ts";
import { isRecord, list, pushTo, type RawResource } from "../aws/values.ts";
import { loadStructured } from "../core/index.ts";
import type { EngineLimits, FormatHandler, ParsedPart } from "../formats/types.ts";
import type { FileReport, GraphEdge, SourceFile } from "../graph/types.ts";
import { mapPlanToConfiguration } from "./plan-lines.ts";

/** `terraform show -json` of a plan (`planned_values`) or of a state (`values`). */
export function detectTerraformPlan(file: SourceFile): boolean {
  const head = file.content.slice(0, 20_000);
  return (
    /^\s*\{/.test(head) &&
    /"format_version"\s*:/.test(head) &&
    /"terraform_version"\s*:/.test(file.content.slice(0, 200_000)) &&
    /"(planned_values|values)"\s*:/.test(file.content)
  );
}

export const terraformPlanHandler: FormatHandler = {
  format: "terraform-plan",
  detect: detectTerraformPlan,
  parse(files, limits, readable = []) {
    const part: ParsedPart = { nodes: [], edges: [], secrets: [], reports: [] };
    const configuration = readable.filter((f) => /\.tf$/i.test(f.path));
    for (const file of files) {
      const result = parsePlan(file, limits);
      part.reports.push(result.report);
      if (result.report.error) continue;
      mapPlanToConfiguration(result.resources, file.path, configuration);
      const graph = buildAwsGraph(result.resources, result.edges);
      part.nodes.push(...graph.nodes);
      part.edges.push(...graph.edges);
    }
    return part;
  },
};

function depthOf(value: unknown, limit: number): number {
  let worst = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > worst) worst = d;
    if (worst > limit) return worst;
    if (Array.isArray(v)) for (const item of v) stack.push([item, d + 1]);
    else if (isRecord(v)) for (const item of Object.values(v)) stack.push([item, d + 1]);
  }
  return worst;
}

/** Where JSON broke: from the message where V8 gives an offset, else from the YAML parser, which always does. */
function position(text: string, message: string): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(message);
  if (m) {
    const before = text.slice(0, Number(m[1]));
    return { line: before.split("\n").length, column: before.length - before.lastIndexOf("\n") };
  }
  const loaded = loadStructured(text);
  if (loaded.ok || loaded.error.line === undefined) return {};
  return { line: loaded.error.line, ...(loaded.error.column !== undefined ? { column: loaded.error.column } : {}) };
}

/** The address without instance keys: `module.net[0].aws_instance.web["a"]` → `module.net.aws_instance.web`. */
function baseAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}

function parsePlan(
  file: SourceFile,
  limits: EngineLimits,
): { report: FileReport; resources: RawResource[]; edges: GraphEdge[] } {
  const fail = (error: NonNullable<FileReport["error"]>) => ({
    report: { path: file.path, format: "terraform-plan" as const, resources: 0, error },
    resources: [],
    edges: [],
  });
  let json: unknown;
  try {
    json = JSON.parse(file.content);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail({ code: "template/parse-failed", message, ...position(file.content, message) });
  }
  if (depthOf(json, limits.maxDepth) > limits.maxDepth) {
    return fail({ code: "template/too-deep", message: `The plan nests deeper than ${limits.maxDepth} levels.` });
  }
  if (!isRecord(json)) return fail({ code: "template/parse-failed", message: "The plan is not a JSON object." });
  const values = isRecord(json.planned_values) ? json.planned_values : isRecord(json.values) ? json.values : {};
  const resources: RawResource[] = [];
  const modules: unknown[] = [values.root_module];
  while (modules.length > 0) {
    const mod = modules.pop();
    if (!isRecord(mod)) continue;
    for (const r of list(mod.resources)) {
      if (!isRecord(r) || r.mode === "data" || typeof r.address !== "string" || typeof r.type !== "string") continue;
      if (resources.length >= limits.maxResources) {
        return fail({
          code: "template/too-large",
          message: `The plan declares more than ${limits.maxResources} resources.`,
        });
      }
      const body = isRecord(r.values) ? r.values : {};
      resources.push({
        id: r.address,
        type: r.type,
        format: "terraform-plan",
        file: file.path,
        line: null,
        body,
        properties: body,
        propertyLines: {},
        ...(r.index !== undefined
          ? { multiplicity: typeof r.index === "number" ? ("count" as const) : ("for_each" as const) }
          : {}),
      });
    }
    modules.push(...list(mod.child_modules));
  }

  const instances = new Map<string, string[]>();
  for (const r of resources) {
    const base = baseAddress(r.id);
    pushTo(instances, base, r.id);
  }
  const edges: GraphEdge[] = [];
  const configuration = isRecord(json.configuration) ? json.configuration : {};
  const walkModule = (mod: unknown, prefix: string, depth: number): void => {
    if (!isRecord(mod) || depth > 16) return;
    for (const r of list(mod.resources)) {
      if (!isRecord(r) || r.mode === "data" || typeof r.address !== "string") continue;
      const from = instances.get(prefix + r.address) ?? [];
      const link = (ref: string, path: string, kind = edgeKindFor(path)): void => {
        const target = /^([a-z][a-z0-9]*_[\w-]+\.[\w-]+)/.exec(ref)?.[1];
        if (!target) return;
        for (const to of instances.get(prefix + target) ?? [])
          for (const f of from) edges.push({ from: f, to, kind, via: path });
      };
      walkExpressions(r.expressions, "", 0, link);
      for (const dep of list(r.depends_on)) if (typeof dep === "string") link(dep, "depends_on", "depends-on");
    }
    const calls = isRecord(mod.module_calls) ? mod.module_calls : {};
    for (const [name, call] of Object.entries(calls)) {
      if (isRecord(call)) walkModule(call.module, `${prefix}module.${name}.`, depth + 1);
    }
  };
  walkModule(configuration.root_module, "", 0);
  return { report: { path: file.path, format: "terraform-plan", resources: resources.length }, resources, edges };
}

/** Plan expressions: `{ references: [...] }` leaves under attribute names and nested block lists. */
function walkExpressions(value: unknown, path: string, depth: number, link: (ref: string, path: string) => void): void {
  if (depth > 32) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkExpressions(v, path ? `${path}.${i}` : String(i), depth + 1, link));
    return;
  }
  if (!isRecord(value)) return;
  if (Array.isArray(value.references)) {
    for (const ref of value.references) if (typeof ref === "string") link(ref, path);
    return;
  }
  for (const [k, v] of Object.entries(value)) walkExpressions(v, path ? `${path}.${k}` : k, depth + 1, link);
}
