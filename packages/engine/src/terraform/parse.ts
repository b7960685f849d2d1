import { parse as parseHcl } from "@cdktf/hcl2json";
import { edgeKindFor } from "../aws/reference-kinds.ts";
import { buildAwsGraph } from "../aws/normalize.ts";
import { isRecord, list, type RawResource } from "../aws/values.ts";
import type { EngineLimits, FormatHandler, ParsedPart } from "../formats/types.ts";
import type { FileReport, GraphEdge, SecretFinding, SourceFile } from "../graph/types.ts";
import { kindForKey } from "../secrets/detect.ts";
import { isPlaceholder, isSecretKey } from "../secrets/patterns.ts";
import { type Bound, type Scope, collectCalls, references, resolveTree, unresolvedBound } from "./evaluate.ts";
import { countIsZero } from "./conditions.ts";
import { expandDynamic } from "./dynamic.ts";
import { dirname, joinPath } from "./paths.ts";
import { type HclBlock, scanHcl } from "./hcl-lines.ts";
import { type DocumentSource, policyDocument } from "./policy-document.ts";

const BLOCK_START = /^\s*(resource|data|module|variable|output|provider)\s+"[^"\n]+"(\s+"[^"\n]+")?\s*\{/m;
const BARE_BLOCK = /^\s*(terraform|locals)\s*\{/m;
const META_ARGUMENTS = new Set([
  "count",
  "for_each",
  "provider",
  "depends_on",
  "lifecycle",
  "provisioner",
  "connection",
]);
const MODULE_ARGUMENTS = new Set(["source", "version", "count", "for_each", "providers", "depends_on"]);
/** How deep local modules may nest, against cycles and hostile trees. */
const MAX_MODULE_DEPTH = 8;

export function detectTerraform(file: SourceFile): boolean {
  if (/\.tf$|\.tfvars$/i.test(file.path)) return true;
  if (/\.(ya?ml|json)$/i.test(file.path)) return false;
  const head = file.content.slice(0, 100_000);
  return BLOCK_START.test(head) || BARE_BLOCK.test(head);
}

export const terraformHandler: FormatHandler = {
  format: "terraform",
  detect: detectTerraform,
  parse: parseTerraform,
};

interface LoadedFile {
  file: SourceFile;
  json: Record<string, unknown>;
  blocks: HclBlock[];
}

interface ResourceDecl {
  type: string;
  name: string;
  body: Record<string, unknown>;
  file: string;
  line: number | null;
  lines: Record<string, number>;
}

interface ModuleCall {
  name: string;
  source: string;
  args: Record<string, unknown>;
  multiplicity?: "count" | "for_each";
}

interface ModuleDef {
  dir: string;
  resources: ResourceDecl[];
  variables: Record<string, unknown>;
  tfvars: Record<string, unknown>;
  locals: Record<string, unknown>;
  calls: ModuleCall[];
  outputs: Record<string, unknown>;
  policyDocuments: Record<string, Record<string, unknown>>;
  policyDocumentSources: Record<string, DocumentSource>;
  /** Secrets the declarations show (variable defaults named as secrets). */
  secrets: SecretFinding[];
}

function hclError(file: SourceFile, error: unknown): NonNullable<FileReport["error"]> {
  const message = error instanceof Error ? error.message : String(error);
  const at = /:(\d+),(\d+)-\d+(?:,\d+)?:\s*([^\]]*)/.exec(message);
  if (at) {
    return {
      code: "template/parse-failed",
      message: at[3]!.trim() || "Invalid HCL.",
      line: Number(at[1]),
      column: Number(at[2]),
    };
  }
  return { code: "template/parse-failed", message: message.replace(/^parse config:\s*/, "").slice(0, 500) };
}

async function parseTerraform(
  files: SourceFile[],
  limits: EngineLimits,
  context: readonly SourceFile[] = [],
): Promise<ParsedPart> {
  const reports = new Map<string, FileReport>();
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    const scan = scanHcl(file.content, limits.maxDepth);
    if (scan.depth > limits.maxDepth) {
      reports.set(file.path, {
        path: file.path,
        format: "terraform",
        resources: 0,
        error: { code: "template/too-deep", message: `The file nests deeper than ${limits.maxDepth} levels.` },
      });
      continue;
    }
    try {
      const json = (await parseHcl(file.path, file.content)) as unknown;
      loaded.push({ file, json: isRecord(json) ? json : {}, blocks: scan.blocks });
    } catch (error) {
      reports.set(file.path, { path: file.path, format: "terraform", resources: 0, error: hclError(file, error) });
    }
  }

  const defs = new Map<string, ModuleDef>();
  for (const f of loaded) addFile(defs, f);
  const parsed = await parseCalls(loaded.map((f) => f.json));

  // A folder some other folder calls as a local module is read through its calls, not on its own.
  const called = new Set<string>();
  for (const def of defs.values()) {
    for (const call of def.calls) if (isLocalSource(call.source)) called.add(joinPath(def.dir, call.source));
  }
  const raws: RawResource[] = [];
  const edges: GraphEdge[] = [];
  // Files `file()` / `templatefile()` may read: the analysis's other files (a policy JSON next to the module).
  const own = new Set(files.map((f) => f.path));
  const readable = new Map(context.filter((f) => !own.has(f.path)).map((f) => [f.path, f.content]));
  const sink: Sink = {
    raws,
    edges,
    parsed,
    defs,
    budget: limits.maxResources,
    overflow: false,
    files: readable,
    read: new Set(),
  };
  for (const def of [...defs.values()].sort((a, b) => a.dir.localeCompare(b.dir))) {
    if (called.has(def.dir)) continue;
    instantiate(def, "", new Map(), undefined, 0, new Set([def.dir]), sink, def.tfvars);
  }
  if (sink.overflow) {
    for (const f of loaded) {
      reports.set(f.file.path, {
        path: f.file.path,
        format: "terraform",
        resources: 0,
        error: {
          code: "template/too-large",
          message: `The module declares more than ${limits.maxResources} resources.`,
        },
      });
    }
    return { nodes: [], edges: [], secrets: [], reports: files.map((f) => reports.get(f.path)!) };
  }

  const graph = buildAwsGraph(raws, edges);
  const counts = new Map<string, number>();
  for (const r of raws) counts.set(r.file, (counts.get(r.file) ?? 0) + 1);
  for (const f of loaded) {
    reports.set(f.file.path, { path: f.file.path, format: "terraform", resources: counts.get(f.file.path) ?? 0 });
  }
  return {
    nodes: graph.nodes,
    edges: graph.edges,
    secrets: [...defs.values()].flatMap((d) => d.secrets),
    reports: files.map((f) => reports.get(f.path) ?? { path: f.path, format: "terraform", resources: 0 }),
    consumed: [...sink.read],
  };
}

function isLocalSource(source: string): boolean {
  return source.startsWith("./") || source.startsWith("../");
}

function first(value: unknown): Record<string, unknown> {
  const item: unknown = Array.isArray(value) ? value[0] : value;
  return isRecord(item) ? item : {};
}

function addFile(defs: Map<string, ModuleDef>, f: LoadedFile): void {
  const dir = dirname(f.file.path);
  const def = defs.get(dir) ?? {
    dir,
    resources: [],
    variables: {},
    tfvars: {},
    locals: {},
    calls: [],
    outputs: {},
    policyDocuments: {},
    policyDocumentSources: {},
    secrets: [],
  };
  defs.set(dir, def);
  const json = f.json;
  if (/\.tfvars$/i.test(f.file.path)) {
    Object.assign(def.tfvars, json);
    return;
  }
  const blockLines = new Map(f.blocks.map((b) => [b.labels.join("\u0000"), b]));
  for (const [type, byName] of Object.entries(isRecord(json.resource) ? json.resource : {})) {
    if (!isRecord(byName)) continue;
    for (const [name, body] of Object.entries(byName)) {
      const block = blockLines.get(["resource", type, name].join("\u0000"));
      def.resources.push({
        type,
        name,
        body: first(body),
        file: f.file.path,
        line: block?.line ?? null,
        lines: block?.lines ?? {},
      });
    }
  }
  for (const [name, body] of Object.entries(isRecord(json.variable) ? json.variable : {})) {
    def.variables[name] = first(body).default;
    const value = first(body).default;
    // A variable named as a secret with a literal default is a hard-coded secret; where a resource uses it, the
    // finding on the resource's property wins (one finding per value).
    if (
      (typeof value === "string" || typeof value === "number") &&
      isSecretKey(name) &&
      !isPlaceholder(String(value))
    ) {
      const block = blockLines.get(["variable", name].join("\u0000"));
      def.secrets.push({
        file: f.file.path,
        line: block?.lines.default ?? block?.line ?? null,
        nodeId: null,
        path: `variable.${name}.default`,
        kind: kindForKey(name, String(value)),
        value: String(value),
      });
    }
  }
  for (const block of list(json.locals)) if (isRecord(block)) Object.assign(def.locals, block);
  for (const [name, body] of Object.entries(isRecord(json.module) ? json.module : {})) {
    const args = first(body);
    const source = typeof args.source === "string" ? args.source : "";
    const multiplicity = args.count !== undefined ? "count" : args.for_each !== undefined ? "for_each" : undefined;
    def.calls.push({ name, source, args, ...(multiplicity ? { multiplicity } : {}) });
  }
  for (const [name, body] of Object.entries(isRecord(json.output) ? json.output : {}))
    def.outputs[name] = first(body).value;
  const data = isRecord(json.data) ? json.data : {};
  // `data "http"` runs at plan time from wherever Terraform runs: what it sends (headers with tokens) matters.
  for (const [name, body] of Object.entries(isRecord(data.http) ? data.http : {})) {
    const block = blockLines.get(["data", "http", name].join("\u0000"));
    def.resources.push({
      type: "data.http",
      name,
      body: first(body),
      file: f.file.path,
      line: block?.line ?? null,
      lines: block?.lines ?? {},
    });
  }
  for (const [name, body] of Object.entries(
    isRecord(data.aws_iam_policy_document) ? data.aws_iam_policy_document : {},
  )) {
    def.policyDocuments[name] = first(body);
    const block = blockLines.get(["data", "aws_iam_policy_document", name].join("\u0000"));
    def.policyDocumentSources[name] = {
      file: f.file.path,
      address: `data.aws_iam_policy_document.${name}`,
      line: block?.line ?? null,
      lines: block?.lines ?? {},
    };
  }
}

/**
 * Parses the arguments of `jsonencode({…})` and friends with HashiCorp's parser, all in one call: HCL object
 * syntax is not JSON, and policies in Terraform are mostly written that way.
 */
async function parseCalls(jsons: unknown[]): Promise<Map<string, unknown>> {
  const parsed = new Map<string, unknown>();
  let pending = new Set<string>();
  for (const json of jsons) collectCalls(json, pending);
  for (let round = 0; round < 3 && pending.size > 0; round++) {
    const args = [...pending].filter((a) => !parsed.has(a));
    pending = new Set();
    const batch = args.map((arg, i) => `v${i} = ${arg}`).join("\n");
    let values: Record<string, unknown> | undefined;
    try {
      const json = (await parseHcl("__expressions.tf", batch)) as unknown;
      values = isRecord(json) ? json : undefined;
    } catch {
      values = undefined;
    }
    for (const [i, arg] of args.entries()) {
      let value = values?.[`v${i}`];
      if (values === undefined) {
        try {
          const one = (await parseHcl("__expression.tf", `v = ${arg}`)) as unknown;
          value = isRecord(one) ? one.v : undefined;
        } catch {
          value = undefined;
        }
      }
      if (value === undefined) continue;
      parsed.set(arg, value);
      collectCalls(value, pending);
    }
  }
  return parsed;
}

interface Sink {
  raws: RawResource[];
  edges: GraphEdge[];
  parsed: Map<string, unknown>;
  defs: Map<string, ModuleDef>;
  budget: number;
  overflow: boolean;
  files: ReadonlyMap<string, string>;
  read: Set<string>;
}

/** Evaluates one module instance (the root, or a local module at `prefix`) and returns its outputs. */
function instantiate(
  def: ModuleDef,
  prefix: string,
  inputs: Map<string, Bound>,
  multiplicity: "count" | "for_each" | undefined,
  depth: number,
  stack: Set<string>,
  sink: Sink,
  tfvars: Record<string, unknown> = {},
  rootDir: string = def.dir,
): Map<string, Bound> {
  const vars = new Map<string, Bound>();
  for (const [name, fallback] of Object.entries(def.variables)) {
    const given =
      inputs.get(name) ?? (name in tfvars ? { written: tfvars[name], body: tfvars[name], refs: [] } : undefined);
    vars.set(
      name,
      given ??
        (fallback !== undefined ? { written: fallback, body: fallback, refs: [] } : unresolvedBound(`\${var.${name}}`)),
    );
  }
  const scope: Scope = {
    prefix,
    vars,
    locals: def.locals,
    localCache: new Map(),
    localStack: new Set(),
    resources: new Set(def.resources.map((r) => `${r.type}.${r.name}`)),
    modules: new Map(),
    policyDocuments: new Map(),
    parsed: sink.parsed,
    dir: def.dir,
    rootDir,
    files: sink.files,
    read: sink.read,
  };

  const calls = [...def.calls].sort(
    (a, b) => Number(JSON.stringify(a.args).includes("module.")) - Number(JSON.stringify(b.args).includes("module.")),
  );
  for (const call of calls) {
    if (!isLocalSource(call.source)) continue;
    const dir = joinPath(def.dir, call.source);
    const child = sink.defs.get(dir);
    if (!child || stack.has(dir) || depth >= MAX_MODULE_DEPTH) continue;
    // `count = local.enabled ? 1 : 0` that is 0 here: the module is not instantiated.
    if (countIsZero(call.args.count, scope)) continue;
    const childInputs = new Map<string, Bound>();
    for (const [name, value] of Object.entries(call.args)) {
      if (!MODULE_ARGUMENTS.has(name)) childInputs.set(name, resolveTree(value, scope));
    }
    const outputs = instantiate(
      child,
      `${prefix}module.${call.name}.`,
      childInputs,
      call.multiplicity ?? multiplicity,
      depth + 1,
      new Set([...stack, dir]),
      sink,
      {},
      rootDir,
    );
    scope.modules.set(call.name, outputs);
  }

  // Twice, so that a document built from another (`source_policy_documents`) sees it whatever their order.
  for (let pass = 0; pass < 2; pass++) {
    for (const [name, body] of Object.entries(def.policyDocuments)) {
      const bound = resolveTree(body, scope);
      const source = def.policyDocumentSources[name];
      scope.policyDocuments.set(name, {
        written: policyDocument(isRecord(bound.written) ? bound.written : {}),
        body: policyDocument(isRecord(bound.body) ? bound.body : {}, source),
        refs: bound.refs,
      });
    }
  }

  for (const decl of def.resources) {
    if (sink.raws.length >= sink.budget) {
      sink.overflow = true;
      break;
    }
    if (countIsZero(decl.body.count, scope)) continue;
    const id = `${prefix}${decl.type}.${decl.name}`;
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(decl.body)) if (!META_ARGUMENTS.has(k)) own[k] = v;
    const links: GraphEdge[] = [];
    const bound = resolveTree(own, scope, 0, "", (ref, path) =>
      links.push({ from: id, to: ref, kind: edgeKindFor(path), via: path }),
    );
    for (const dep of list(decl.body.depends_on)) {
      if (typeof dep !== "string") continue;
      for (const ref of references(dep.replace(/^\$\{|\}$/g, ""), scope))
        links.push({ from: id, to: ref, kind: "depends-on", via: "depends_on" });
      const moduleDep = /^\$\{module\.([\w-]+)\}$/.exec(dep);
      if (moduleDep) {
        for (const b of scope.modules.get(moduleDep[1]!)?.values() ?? []) {
          for (const ref of b.refs) links.push({ from: id, to: ref, kind: "depends-on", via: "depends_on" });
        }
      }
    }
    const ownMultiplicity =
      decl.body.count !== undefined ? "count" : decl.body.for_each !== undefined ? "for_each" : multiplicity;
    sink.raws.push({
      id,
      type: decl.type,
      format: "terraform",
      file: decl.file,
      line: decl.line,
      body: isRecord(bound.body) ? expandDynamic(bound.body) : {},
      properties: isRecord(bound.written) ? bound.written : {},
      propertyLines: decl.lines,
      ...(ownMultiplicity ? { multiplicity: ownMultiplicity } : {}),
    });
    sink.edges.push(...links);
  }

  const outputs = new Map<string, Bound>();
  for (const [name, value] of Object.entries(def.outputs)) outputs.set(name, resolveTree(value, scope));
  return outputs;
}
