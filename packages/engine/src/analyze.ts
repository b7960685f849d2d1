import { pushTo } from "./collections.ts";
import {
  type OmittedThreats,
  type Threat,
  clampRating,
  severityFromScore,
  summariseOmitted,
  threatFingerprint,
  threatScore,
} from "@threatline/domain";
import { deriveFacts } from "./graph/derive.ts";
import { locateAll } from "./graph/locate.ts";
import { isKustomizationFile, renderedFolders } from "./kubernetes/kustomize.ts";
import type {
  Dialect,
  FileReport,
  GraphEdge,
  GraphNode,
  ResourceGraph,
  SecretFinding,
  SourceFile,
} from "./graph/types.ts";
import { FORMAT_HANDLERS } from "./formats/index.ts";
import { DEFAULT_LIMITS, type EngineLimits, type FormatHandler } from "./formats/types.ts";
import { RULES } from "./rules/index.ts";
import { dialectOf, fixFor } from "./rules/fix.ts";
import { absorb, mergeBy, uniqueBy, resourceKey } from "./rules/overlaps.ts";
import type { Finding, Rule, RuleContext } from "./rules/types.ts";
import { checkText, unrecognisedError, utf8Length } from "./text.ts";
import { detectSecrets } from "./secrets/detect.ts";
import { openApiSecretKept } from "./openapi/secrets.ts";

export { ENGINE_VERSION } from "./version.ts";

export interface AnalyzeOptions {
  limits?: Partial<EngineLimits>;
  /**
   * Only report threats whose primary resource is declared in one of these files. The other files are
   * context (the rest of a Terraform module). Defaults to every file.
   */
  focus?: readonly string[];
  /** Restrict to these rules (tests, evaluation). */
  rules?: readonly Rule[];
  /**
   * Most threats to write out: the highest-scoring are built, the rest only counted (`omitted`). Bounds the
   * time and memory a template of tens of thousands of resources takes (100,000+ threats otherwise).
   */
  maxThreats?: number;
}

export interface AnalyzeResult {
  files: FileReport[];
  graph: ResourceGraph;
  threats: Threat[];
  /** What `maxThreats` left out, by rule and severity; null when nothing was (or no cap was asked for). */
  omitted: OmittedThreats | null;
}

/** The format a file would be parsed as (first handler that recognises it), or null. Cheap: content sniffing only. */
export function detectFormat(file: SourceFile): FormatHandler["format"] | null {
  return FORMAT_HANDLERS.find((h) => h.detect(file))?.format ?? null;
}

/** Parses files into one resource graph. Never throws for bad input: errors are reported per file. */
export async function buildGraph(
  files: readonly SourceFile[],
  limits: Partial<EngineLimits> = {},
): Promise<{ graph: ResourceGraph; files: FileReport[] }> {
  const bounds: EngineLimits = { ...DEFAULT_LIMITS, ...limits };
  const reports = new Map<string, FileReport>();
  const groups = new Map<FormatHandler, SourceFile[]>();
  const dialects: Record<string, Dialect> = {};
  const readable: SourceFile[] = [];
  let total = 0;

  for (const given of files) {
    // A byte order mark is not content (JSON.parse and the format sniffers would stumble on it).
    const file = given.content.charCodeAt(0) === 0xfeff ? { ...given, content: given.content.slice(1) } : given;
    total += utf8Length(file.content);
    const textError = checkText(file, bounds, total);
    if (textError) {
      reports.set(file.path, { path: file.path, format: null, resources: 0, error: textError });
      continue;
    }
    readable.push(file);
    const handler = FORMAT_HANDLERS.find((h) => h.detect(file));
    if (!handler) {
      reports.set(file.path, {
        path: file.path,
        format: null,
        resources: 0,
        error: unrecognisedError(file, bounds),
      });
      continue;
    }
    pushTo(groups, handler, file);
    dialects[file.path] = dialectOf(handler.format, file.content);
  }

  // A plan with the configuration it was planned from: the plan's values are what will be deployed, and the
  // `.tf` files only say where each resource is written (read as HCL too, every resource would be there twice).
  const plan = [...groups.keys()].find((h) => h.format === "terraform-plan");
  const hcl = [...groups.keys()].find((h) => h.format === "terraform");
  const sourceMap = plan && hcl ? (groups.get(hcl) ?? []) : [];
  if (plan && hcl) groups.delete(hcl);

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const secrets: SecretFinding[] = [];
  for (const [handler, group] of groups) {
    const part = await handler.parse(group, bounds, readable);
    nodes.push(...part.nodes);
    edges.push(...part.edges);
    secrets.push(...part.secrets);
    for (const report of part.reports) reports.set(report.path, report);
    // A fragment a spec `$ref`s is part of that spec, not an unsupported file.
    for (const path of part.consumed ?? [])
      if (reports.get(path)?.error?.code === "template/unsupported-format")
        reports.set(path, { path, format: handler.format, resources: 0 });
  }

  for (const file of sourceMap) {
    reports.set(file.path, {
      path: file.path,
      format: "terraform",
      resources: nodes.filter((n) => n.file === file.path).length,
    });
  }

  // Parsers report what only they can see (NoEcho defaults, Secret manifests); detection adds the rest.
  const parsed = [...[...groups.values()].flat(), ...sourceMap];
  // In an API contract, example and sample values are documentation: only a real credential shape is a secret.
  const contracts = new Set(
    [...groups.entries()].filter(([h]) => h.format === "openapi").flatMap(([, g]) => g.map((f) => f.path)),
  );
  const allSecrets = detectSecrets(parsed, nodes, secrets).filter(
    (s) => !contracts.has(s.file) || openApiSecretKept(s),
  );

  return {
    graph: { nodes, edges, facts: deriveFacts(nodes, edges, allSecrets), dialects },
    files: files.map((f) => reports.get(f.path) ?? { path: f.path, format: null, resources: 0 }),
  };
}

export function createRuleContext(graph: ResourceGraph): RuleContext {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const exposed = new Set(graph.facts.exposures.map((e) => e.nodeId));
  const outgoing = new Map<string, GraphEdge[]>();
  const incoming = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    pushTo(outgoing, edge.from, edge);
    pushTo(incoming, edge.to, edge);
  }
  const resolve = (list: GraphEdge[] | undefined, pick: (e: GraphEdge) => string, kind?: string): GraphNode[] =>
    (list ?? [])
      .filter((e) => kind === undefined || e.kind === kind)
      .map((e) => byId.get(pick(e)))
      .filter((n): n is GraphNode => n !== undefined);
  return {
    graph,
    byId,
    isExposed: (id) => exposed.has(id),
    out: (id, kind) => resolve(outgoing.get(id), (e) => e.to, kind),
    in: (id, kind) => resolve(incoming.get(id), (e) => e.from, kind),
  };
}

/**
 * Turns one rule finding into a threat with evidence, score and fingerprint. `dialect` is the language of the
 * node's file, so that the fix is written in it.
 */
export function findingToThreat(rule: Rule, finding: Finding, dialect?: Dialect): Threat {
  const { node } = finding;
  const likelihood = clampRating(finding.likelihood ?? rule.likelihood);
  const impact = clampRating(rule.impact);
  const score = threatScore(likelihood, impact);
  const fix = fixFor(finding.fix ?? rule.remediation.fix, node.format, dialect);
  const description = (finding.detail ?? rule.description).replaceAll("{resource}", node.id);
  const involved = [node, ...(finding.related ?? [])];
  const paths = finding.paths.length > 0 ? finding.paths : [""];
  return {
    fingerprint: threatFingerprint({
      category: rule.category,
      ruleId: rule.id,
      title: rule.title,
      // A resource an overlay renders from its base is the overlay's: one fingerprint per overlay.
      file: node.renderedBy ?? node.file,
      resourceId: node.id,
    }),
    ruleId: rule.id,
    category: rule.category,
    title: rule.title,
    description,
    severity: severityFromScore(score),
    likelihood,
    impact,
    score,
    resources: involved.map((n) => ({ id: n.id, type: n.type, file: n.file, line: n.line })),
    evidence:
      finding.locations && finding.locations.length > 0
        ? finding.locations.map((l) => ({ file: l.file, line: l.line, path: l.path }))
        : paths.flatMap((path) => locateAll(node, path)),
    remediations: [fix ? { text: rule.remediation.text, fix } : { text: rule.remediation.text }],
    references: {
      cwe: rule.references.cwe ?? [],
      capec: rule.references.capec ?? [],
      attack: rule.references.attack ?? [],
    },
    source: "rule",
  };
}

/**
 * A rule finding before it is written out as a threat: what merging, ranking and counting read, and how to
 * build the threat (descriptions, evidence, fixes) for the ones that are kept.
 */
interface Draft {
  fingerprint: string;
  ruleId: string;
  /** The resource the threat is about. */
  node: GraphNode;
  resources: ReadonlyArray<{ id: string; file: string }>;
  likelihood: number;
  impact: number;
  score: number;
  build(): Threat;
}

function draftOf(rule: Rule, finding: Finding, dialect: Dialect | undefined): Draft {
  const { node } = finding;
  const likelihood = clampRating(finding.likelihood ?? rule.likelihood);
  const impact = clampRating(rule.impact);
  return {
    fingerprint: threatFingerprint({
      category: rule.category,
      ruleId: rule.id,
      title: rule.title,
      // A resource an overlay renders from its base is the overlay's: one fingerprint per overlay.
      file: node.renderedBy ?? node.file,
      resourceId: node.id,
    }),
    ruleId: rule.id,
    node,
    resources: [node, ...(finding.related ?? [])],
    likelihood,
    impact,
    score: threatScore(likelihood, impact),
    build: () => findingToThreat(rule, finding, dialect),
  };
}

/** `absorb` on drafts: the same rating and resources, and a threat built by the same `absorb` later. */
function foldDrafts(primary: Draft, absorbed: readonly Draft[]): Draft {
  if (absorbed.length === 0) return primary;
  const all = [primary, ...absorbed];
  const likelihood = clampRating(Math.max(...all.map((t) => t.likelihood)));
  const impact = clampRating(Math.max(...all.map((t) => t.impact)));
  return {
    ...primary,
    likelihood,
    impact,
    score: Math.max(primary.score, threatScore(likelihood, impact)),
    resources: uniqueBy(
      all.flatMap((t) => t.resources),
      resourceKey,
    ),
    build: () =>
      absorb(
        primary.build(),
        absorbed.map((t) => t.build()),
      ),
  };
}

/** Every rule's findings as drafts, merged, highest score first (then by fingerprint, as threats are listed). */
function rankedDrafts(graph: ResourceGraph, rules: readonly Rule[]): Draft[] {
  const ctx = createRuleContext(graph);
  const kinds = new Set(graph.nodes.map((n) => n.kind));
  const drafts = new Map<string, Draft>();
  for (const rule of rules) {
    // `*`: the rule reads whole-graph facts (secrets) and runs whatever the graph holds.
    if (!rule.kinds.includes("*") && !rule.kinds.some((k) => kinds.has(k))) continue;
    for (const finding of rule.check(ctx)) {
      const draft = draftOf(rule, finding, graph.dialects?.[finding.node.file]);
      if (!drafts.has(draft.fingerprint)) drafts.set(draft.fingerprint, draft);
    }
  }
  return mergeBy([...drafts.values()], foldDrafts).sort(
    (a, b) => b.score - a.score || a.fingerprint.localeCompare(b.fingerprint),
  );
}

/** Runs the builtin rules over a graph. Deterministic: the same graph gives the same threats in the same order. */
export function runRules(graph: ResourceGraph, rules: readonly Rule[] = RULES): Threat[] {
  return rankedDrafts(graph, rules).map((d) => d.build());
}

/**
 * An overlay's threats without the ones its base has alone: a weakness the base declares (same rule, same
 * declared resource) is reported once, on the base's own analysis, not again by every overlay that renders it
 * unchanged. An overlay keeps a threat its base does not have, and one whose evidence it writes itself (a patch or
 * a transformation of its own folder).
 */
async function withoutBaseRepeats(
  drafts: Draft[],
  graph: ResourceGraph,
  files: readonly SourceFile[],
  options: AnalyzeOptions,
): Promise<Draft[]> {
  const overlays = [...new Set(graph.nodes.flatMap((n) => (n.renderedBy ? [n.renderedBy] : [])))];
  if (overlays.length === 0) return drafts;
  const key = (overlay: string, ruleId: string, node: GraphNode): string =>
    `${overlay}\u0000${ruleId}\u0000${node.file}\u0000${node.declaredId ?? node.id}`;
  const repeats = new Set<string>();
  const byDir = new Map<string, SourceFile[]>();
  for (const f of files) pushTo(byDir, folderOf(f.path), f);
  for (const overlay of overlays) {
    // Each folder the overlay renders, analysed as its own unit would be (with what it renders in turn).
    for (const dir of renderedFolders(overlay, files)) {
      const own = byDir.get(dir) ?? [];
      const kustomization = own.find((f) => isKustomizationFile(f.path));
      const below = kustomization ? renderedFolders(kustomization.path, files) : new Set<string>();
      const unit = [...own, ...[...below].flatMap((d) => (d === dir ? [] : (byDir.get(d) ?? [])))];
      if (unit.length === 0) continue;
      const alone = await buildGraph(unit, options.limits);
      for (const d of rankedDrafts(alone.graph, options.rules ?? RULES)) repeats.add(key(overlay, d.ruleId, d.node));
    }
  }
  return drafts.filter((d) => {
    const overlay = d.node.renderedBy;
    if (overlay === undefined || !repeats.has(key(overlay, d.ruleId, d.node))) return true;
    const own = folderOf(overlay);
    return d.build().evidence.some((e) => folderOf(e.file) === own);
  });
}

const folderOf = (path: string): string => {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
};

/**
 * Parse, derive and run the rules: the complete builtin threat model of a set of files. With `maxThreats`,
 * only the highest-scoring threats are written out; the others are counted from their findings.
 */
export async function analyze(files: readonly SourceFile[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  // The focused files first: where context files reuse their names (two templates' logical ids), the focused
  // file keeps its own, so its threats' fingerprints do not depend on the context it came with.
  const focused = options.focus ? new Set(options.focus) : undefined;
  const ordered = focused
    ? [...files.filter((f) => focused.has(f.path)), ...files.filter((f) => !focused.has(f.path))]
    : files;
  const built = await buildGraph(ordered, options.limits);
  const order = new Map(files.map((f, i) => [f.path, i] as const));
  const { graph } = built;
  const reports = focused
    ? [...built.files].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0))
    : built.files;
  let drafts = await withoutBaseRepeats(rankedDrafts(graph, options.rules ?? RULES), graph, files, options);
  if (options.focus) {
    const focus = new Set(options.focus);
    // A plan in focus brings its resources wherever its configuration writes them (their `.tf` file and line).
    const planned = reports.some((r) => r.format === "terraform-plan" && focus.has(r.path))
      ? new Set(graph.nodes.filter((n) => n.format === "terraform-plan").map((n) => `${n.file}\u0000${n.id}`))
      : undefined;
    drafts = drafts.filter((t) => {
      const primary = t.resources[0];
      // So does a kustomize overlay: the resources it renders from its base are its own.
      const overlay = t.node.renderedBy;
      return (
        primary &&
        (focus.has(primary.file) ||
          (overlay !== undefined && focus.has(overlay)) ||
          planned?.has(`${primary.file}\u0000${primary.id}`) === true)
      );
    });
  }
  let omitted: OmittedThreats | null = null;
  if (options.maxThreats !== undefined && drafts.length > options.maxThreats) {
    omitted = summariseOmitted(
      drafts.slice(options.maxThreats).map((d) => ({ ruleId: d.ruleId, severity: severityFromScore(d.score) })),
    );
    drafts = drafts.slice(0, options.maxThreats);
  }
  return { files: reports, graph, threats: drafts.map((d) => d.build()), omitted };
}
