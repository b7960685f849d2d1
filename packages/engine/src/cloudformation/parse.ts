import { edgeKindFor } from "../aws/reference-kinds.ts";
import { kindForKey } from "../secrets/detect.ts";
import { isPlaceholder, isSecretKey } from "../secrets/patterns.ts";
import { buildAwsGraph } from "../aws/normalize.ts";
import { isRecord, list, type RawResource } from "../aws/values.ts";
import { type StructuredDocument, loadStructured } from "../core/index.ts";
import type { EngineLimits, FormatHandler, ParsedPart } from "../formats/types.ts";
import type { FileReport, GraphEdge, SecretFinding, SourceFile } from "../graph/types.ts";
import { type Parameter, Resolver, intrinsicName, toBody } from "./intrinsics.ts";
import { CFN_TAGS } from "./tags.ts";

const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";
/** Property paths recorded per resource, so a resource with a huge inline document stays cheap. */
const MAX_LINES_PER_RESOURCE = 500;

/** Content sniffing: the format version, or a Resources map with `Type: AWS::…` entries. */
export function detectCloudFormation(file: SourceFile): boolean {
  if (/\.tf(\.json)?$/i.test(file.path)) return false;
  const head = file.content.slice(0, 200_000);
  if (/["']?AWSTemplateFormatVersion["']?\s*:/.test(head)) return true;
  return /(^|[\s{,])["']?Resources["']?\s*:/m.test(head) && /["']?Type["']?\s*:\s*["']?(AWS|Custom|Alexa)::/.test(head);
}

export const cloudFormationHandler: FormatHandler = {
  format: "cloudformation",
  detect: detectCloudFormation,
  parse(files, limits) {
    const part: ParsedPart = { nodes: [], edges: [], secrets: [], reports: [] };
    const raws: RawResource[] = [];
    const edges: GraphEdge[] = [];
    const exports = new Map<string, string>();
    const imports: CrossStackImport[] = [];
    const taken = new Set<string>();
    let budget = limits.maxResources;
    for (const file of files) {
      const parsed = parseTemplate(file, limits, budget);
      // Templates analysed together (a template with its folder's templates as context) may reuse logical ids:
      // the first file keeps its own (the analysed file comes first), a later file's colliding ids are qualified
      // with its path, so that references stay inside their template.
      const rename = new Map<string, string>();
      for (const r of parsed.resources) if (taken.has(r.id)) rename.set(r.id, `${file.path}#${r.id}`);
      const id = (x: string): string => rename.get(x) ?? x;
      for (const r of parsed.resources) {
        r.id = id(r.id);
        taken.add(r.id);
      }
      for (const e of parsed.edges) {
        e.from = id(e.from);
        e.to = id(e.to);
      }
      for (const s of parsed.secrets) if (s.nodeId) s.nodeId = id(s.nodeId);
      for (const [name, target] of parsed.exports) if (!exports.has(name)) exports.set(name, id(target));
      for (const i of parsed.imports) imports.push({ ...i, from: id(i.from) });
      part.reports.push(parsed.report);
      part.secrets.push(...parsed.secrets);
      raws.push(...parsed.resources);
      edges.push(...parsed.edges);
      budget -= parsed.resources.length;
    }
    edges.push(...crossStackEdges(raws, exports, imports));
    const graph = buildAwsGraph(raws, edges);
    part.nodes.push(...graph.nodes);
    part.edges.push(...graph.edges);
    return part;
  },
};

interface TemplateResult {
  report: FileReport;
  resources: RawResource[];
  edges: GraphEdge[];
  secrets: SecretFinding[];
  /** `Export.Name`s of the template's outputs (literal or from parameter defaults), with the resource each one's value names. */
  exports: Map<string, string>;
  /** `Fn::ImportValue` of a literal export name, where it is written. */
  imports: CrossStackImport[];
}

/** A resource property that imports another stack's export: `Bucket: !ImportValue shared-data-bucket`. */
interface CrossStackImport {
  from: string;
  name: string;
  path: string;
}

const DLQ_ARN_PATH = "Properties.RedrivePolicy.deadLetterTargetArn";

/**
 * References between templates: an `Fn::ImportValue` of another template's literal export names the resource
 * that export's value references (a bucket policy in one stack for a bucket of another), and a queue's literal
 * dead-letter ARN names the queue of that name (`arn:aws:sqs:…:orders-dlq`), in whichever template it is.
 */
function crossStackEdges(
  raws: readonly RawResource[],
  exports: ReadonlyMap<string, string>,
  imports: readonly CrossStackImport[],
): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const i of imports) {
    const to = exports.get(i.name);
    if (to && to !== i.from) edges.push({ from: i.from, to, kind: edgeKindFor(i.path), via: i.path });
  }
  const queues = raws.filter((r) => r.type === "AWS::SQS::Queue" && typeof r.body.QueueName === "string");
  for (const r of raws) {
    if (r.type !== "AWS::SQS::Queue") continue;
    const redrive = r.body.RedrivePolicy;
    const arn = isRecord(redrive) ? redrive.deadLetterTargetArn : undefined;
    if (typeof arn !== "string") continue;
    for (const q of queues)
      if (q !== r && (arn === q.body.QueueName || arn.endsWith(`:${String(q.body.QueueName)}`)))
        edges.push({ from: r.id, to: q.id, kind: edgeKindFor(DLQ_ARN_PATH), via: DLQ_ARN_PATH });
  }
  return edges;
}

function failed(file: SourceFile, error: NonNullable<FileReport["error"]>): TemplateResult {
  return {
    report: { path: file.path, format: "cloudformation", resources: 0, error },
    resources: [],
    edges: [],
    secrets: [],
    exports: new Map(),
    imports: [],
  };
}

/** Parses one template into resources and references. Never throws. */
export function parseTemplate(file: SourceFile, limits: EngineLimits, budget = limits.maxResources): TemplateResult {
  const loaded = loadStructured(file.content, {
    customTags: CFN_TAGS,
    maxAliases: limits.maxAliases,
    maxDepth: limits.maxDepth,
  });
  if (!loaded.ok) return failed(file, loaded.error);
  const doc = loaded.documents.find((d) => isRecord(d.value) && isRecord(d.value.Resources));
  if (!doc || !isRecord(doc.value)) {
    const first = loaded.documents[0];
    return failed(file, {
      code: "template/parse-failed",
      message: "The template has no Resources section.",
      line: first?.line ?? 1,
      column: 1,
    });
  }
  const template = doc.value;
  const resourcesMap = template.Resources as Record<string, unknown>;
  const ids = Object.keys(resourcesMap);
  if (ids.length > budget) {
    return failed(file, {
      code: "template/too-large",
      message: `The template declares ${ids.length} resources; the limit is ${Math.max(budget, 0)} for this analysis.`,
    });
  }
  try {
    const result = new TemplateParser(file, doc, template).run();
    if (loaded.warnings.length > 0) result.report.warnings = loaded.warnings;
    return result;
  } catch (error) {
    return failed(file, {
      code: "template/parse-failed",
      message: `The template could not be read: ${error instanceof Error ? error.message : String(error)}`,
      line: doc.line,
      column: 1,
    });
  }
}

class TemplateParser {
  private readonly parameters = new Map<string, Parameter>();
  private readonly resolver: Resolver;
  private readonly resourceIds: Set<string>;
  private readonly resources: Record<string, unknown>;
  private readonly sam: boolean;
  private readonly edges: GraphEdge[] = [];
  private readonly imports: CrossStackImport[] = [];

  constructor(
    private readonly file: SourceFile,
    private readonly doc: StructuredDocument,
    private readonly template: Record<string, unknown>,
  ) {
    for (const [name, p] of Object.entries(isRecord(template.Parameters) ? template.Parameters : {})) {
      if (!isRecord(p)) continue;
      this.parameters.set(name, {
        ...(p.Default !== undefined ? { default: p.Default } : {}),
        noEcho: p.NoEcho === true || String(p.NoEcho).toLowerCase() === "true",
        type: typeof p.Type === "string" ? p.Type : undefined,
      });
    }
    this.resolver = new Resolver(
      this.parameters,
      isRecord(template.Mappings) ? template.Mappings : {},
      isRecord(template.Conditions) ? template.Conditions : {},
    );
    this.resources = template.Resources as Record<string, unknown>;
    this.resourceIds = new Set(Object.keys(this.resources));
    this.sam = list(template.Transform).includes(SAM_TRANSFORM);
  }

  run(): TemplateResult {
    const resources: RawResource[] = [];
    const globals = this.sam && isRecord(this.template.Globals) ? this.template.Globals : {};
    for (const [id, entry] of Object.entries(this.resources)) {
      if (!isRecord(entry) || typeof entry.Type !== "string") continue;
      const declared = { ...entry };
      const global = globals[entry.Type.replace("AWS::Serverless::", "")];
      if (entry.Type.startsWith("AWS::Serverless::") && isRecord(global)) {
        declared.Properties = mergeGlobals(global, isRecord(entry.Properties) ? entry.Properties : {});
      }
      const { Type: _type, ...rest } = declared;
      const written = this.resolver.resolve(rest) as Record<string, unknown>;
      const properties = isRecord(written.Properties) ? written.Properties : {};
      const condition = typeof entry.Condition === "string" ? entry.Condition : undefined;
      resources.push({
        id,
        type: entry.Type,
        format: "cloudformation",
        file: this.file.path,
        line: this.doc.lineOf(["Resources", id]) ?? null,
        body: toBody(properties) as Record<string, unknown>,
        properties: written,
        propertyLines: this.lines(id),
        ...(condition ? { multiplicity: "conditional" as const } : {}),
      });
      this.collectRefs(id, entry.Properties, "Properties", 0);
      for (const dep of list(entry.DependsOn)) {
        if (typeof dep === "string" && this.resourceIds.has(dep))
          this.edges.push({ from: id, to: dep, kind: "depends-on", via: "DependsOn" });
      }
    }
    if (this.sam) resources.push(...this.implicitApis(resources));
    return {
      report: { path: this.file.path, format: "cloudformation", resources: resources.length },
      resources,
      edges: this.edges,
      secrets: this.noEchoDefaults(),
      exports: this.exports(),
      imports: this.imports,
    };
  }

  /** Outputs exported under a literal name whose value is a `Ref` or `Fn::GetAtt` of one of the resources. */
  private exports(): Map<string, string> {
    const out = new Map<string, string>();
    const outputs = isRecord(this.template.Outputs) ? this.template.Outputs : {};
    for (const output of Object.values(outputs)) {
      if (!isRecord(output) || !isRecord(output.Export)) continue;
      // Literal, or built by `Fn::Sub` from parameter defaults (as the importing side resolves it).
      const written: unknown = output.Export.Name;
      const name: unknown = typeof written === "string" ? written : this.resolver.resolve(written);
      const value = output.Value;
      if (typeof name !== "string" || !isRecord(value)) continue;
      const fn = intrinsicName(value);
      const arg: unknown = fn ? value[fn] : undefined;
      const target: unknown =
        fn === "Ref"
          ? arg
          : fn === "Fn::GetAtt"
            ? Array.isArray(arg)
              ? (arg[0] as unknown)
              : typeof arg === "string"
                ? arg.split(".")[0]
                : undefined
            : undefined;
      if (typeof target === "string" && this.resourceIds.has(target)) out.set(name, target);
    }
    return out;
  }

  /** Lines of every property path of a resource, relative to it (`Properties.BucketName`). */
  private lines(id: string): Record<string, number> {
    return this.doc.linesUnder(["Resources", id], { maxEntries: MAX_LINES_PER_RESOURCE, maxDepth: 12 });
  }

  /** References to other resources: `Ref`, `Fn::GetAtt` and `${…}` in `Fn::Sub`. */
  private collectRefs(from: string, value: unknown, path: string, depth: number): void {
    if (depth > 64) return;
    const link = (to: string): void => {
      if (to !== from && this.resourceIds.has(to)) this.edges.push({ from, to, kind: edgeKindFor(path), via: path });
    };
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.collectRefs(from, v, `${path}.${i}`, depth + 1));
      return;
    }
    if (!isRecord(value)) return;
    const fn = intrinsicName(value);
    if (!fn) {
      for (const [k, v] of Object.entries(value)) this.collectRefs(from, v, `${path}.${k}`, depth + 1);
      return;
    }
    const arg: unknown = value[fn];
    if (fn === "Fn::ImportValue") {
      // A literal export name, or one `Fn::Sub` builds from parameter defaults (`!Sub "${Env}-data-bucket"`);
      // a name that needs a pseudo parameter (`${AWS::StackName}`) or a parameter without a default links nothing.
      const name: unknown = typeof arg === "string" ? arg : this.resolver.resolve(arg);
      if (typeof name === "string") this.imports.push({ from, name, path });
    }
    if (fn === "Ref" && typeof arg === "string") link(arg);
    else if (fn === "Fn::GetAtt") {
      const target: unknown = Array.isArray(arg) ? arg[0] : typeof arg === "string" ? arg.split(".")[0] : undefined;
      if (typeof target === "string") link(target);
    } else if (fn === "Fn::Sub") {
      const template: unknown = Array.isArray(arg) ? arg[0] : arg;
      const vars = Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : {};
      if (typeof template === "string") {
        for (const m of template.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = m[1]!.split(".")[0]!.trim();
          if (!(name in vars)) link(name);
        }
      }
      for (const v of Object.values(vars)) this.collectRefs(from, v, path, depth + 1);
      return;
    }
    // References inside other intrinsics belong to the property they are written in.
    for (const item of list(arg)) this.collectRefs(from, item, path, depth + 1);
  }

  private implicitGlobals(type: string): Record<string, unknown> {
    const globals = this.sam && isRecord(this.template.Globals) ? this.template.Globals : {};
    const own = globals[type.replace("AWS::Serverless::", "")];
    return isRecord(own) ? (this.resolver.resolve(own) as Record<string, unknown>) : {};
  }

  /**
   * SAM creates `ServerlessRestApi` / `ServerlessHttpApi` for function events that name no API; they are
   * public entry points, so they become nodes, declared at the first event that implies them.
   */
  private implicitApis(resources: RawResource[]): RawResource[] {
    const implied = new Map<string, { type: string; line: number | null; functions: Array<[string, string]> }>();
    for (const r of resources) {
      if (r.type !== "AWS::Serverless::Function") continue;
      const events = isRecord(r.body.Events) ? r.body.Events : {};
      for (const [name, event] of Object.entries(events)) {
        if (!isRecord(event) || !isRecord(event.Properties ?? {})) continue;
        const props = isRecord(event.Properties) ? event.Properties : {};
        const [id, type] =
          event.Type === "Api" && props.RestApiId === undefined
            ? ["ServerlessRestApi", "AWS::Serverless::Api"]
            : event.Type === "HttpApi" && props.ApiId === undefined
              ? ["ServerlessHttpApi", "AWS::Serverless::HttpApi"]
              : [undefined, undefined];
        if (!id || !type || this.resourceIds.has(id)) continue;
        const entry = implied.get(id) ?? {
          type,
          line: r.propertyLines[`Properties.Events.${name}`] ?? r.line,
          functions: [],
        };
        entry.functions.push([r.id, `Properties.Events.${name}`]);
        implied.set(id, entry);
      }
    }
    const out: RawResource[] = [];
    for (const [id, entry] of implied) {
      out.push({
        id,
        type: entry.type,
        format: "cloudformation",
        file: this.file.path,
        line: entry.line,
        // The implicit API takes the template's `Globals.Api` / `Globals.HttpApi` (a default authorizer) too.
        body: toBody(this.implicitGlobals(entry.type)) as Record<string, unknown>,
        properties: { Implicit: true, Properties: this.implicitGlobals(entry.type) },
        propertyLines: {},
      });
      for (const [fn, via] of entry.functions) this.edges.push({ from: fn, to: id, kind: "references", via });
    }
    return out;
  }

  /** Defaults of NoEcho parameters, and of parameters named as secrets. */
  private noEchoDefaults(): SecretFinding[] {
    const out: SecretFinding[] = [];
    for (const [name, p] of this.parameters) {
      const value = typeof p.default === "string" || typeof p.default === "number" ? String(p.default) : "";
      if (value === "") continue;
      // A parameter named as a secret (`DBPassword`) with a literal default is a hard-coded secret, NoEcho or not;
      // where a resource uses it, the finding on that resource's property wins (one finding per value).
      if (!p.noEcho && (!isSecretKey(name) || isPlaceholder(value))) continue;
      const path = `Parameters.${name}.Default`;
      out.push({
        file: this.file.path,
        line: this.doc.lineOf(["Parameters", name, "Default"]) ?? null,
        nodeId: null,
        path,
        kind: p.noEcho ? "noecho-default" : kindForKey(name, value),
        value,
      });
    }
    return out;
  }
}

/** SAM's Globals: maps merge, lists concatenate, the resource's own scalars win. */
function mergeGlobals(global: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...global };
  for (const [k, v] of Object.entries(own)) {
    const g = out[k];
    if (isRecord(g) && isRecord(v) && !intrinsicName(v)) out[k] = mergeGlobals(g, v);
    else if (Array.isArray(g) && Array.isArray(v)) out[k] = [...(g as unknown[]), ...(v as unknown[])];
    else out[k] = v;
  }
  return out;
}

/** Most sibling templates one template is analysed with as context. */
export const MAX_TEMPLATE_CONTEXT = 20;

/**
 * Whether `other` (a template of the same folder) and `template` may say something about each other's resources:
 * one writes a bucket, queue or topic policy, a redrive policy or an `Fn::ImportValue`, and the other names a
 * bucket, queue or topic or exports a value. Cheap text checks: the CLI and the worker use them to pick context templates.
 */
export function informsTemplate(template: SourceFile, other: SourceFile): boolean {
  if (template.path === other.path) return false;
  const named = (t: SourceFile) => /BucketName|QueueName|TopicName|Export/.test(t.content);
  const naming = (t: SourceFile) =>
    /AWS::(S3::BucketPolicy|SQS::QueuePolicy|SNS::TopicPolicy)|RedrivePolicy|ImportValue/.test(t.content);
  // Both ways: the other template's policy may name this one's bucket, or this one's policy the other's bucket
  // (then the policy's threat belongs to the bucket's template, and this one must not report it alone).
  return (named(template) && naming(other)) || (naming(template) && named(other));
}
