/**
 * Evidence audit: every place a rule threat points at must be in the file, at the line it gives. Used by
 * bench/evidence-audit.test.ts over the regression corpus (bench/corpus) and the public corpus (when its
 * mirror is on the machine), and runnable alone: `npx tsx bench/evidence-audit.ts` prints every bad location.
 *
 * A location is good when
 * - its path is a property of a resource of that file declared at that line (`""`: the resource's own line), or
 * - it is where the engine found a hard-coded secret (inside a script, a block scalar), or
 * - it is a statement of a Terraform `data` block (not a resource, so not in the graph): `data.<type>.<name>.
 *   statement.<i>` at a `statement {` line below that block's header, or
 * - it names a property the resource does not have (the weakness is its absence), at the line of its nearest
 *   declared ancestor (the resource's line when there is none), and no other resource of the threat declares
 *   that path (otherwise the value the rule judged is there, and the evidence must point at it).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Threat } from "@threatline/domain";
import { type GraphNode, type SourceFile, analyze } from "@threatline/engine";
import { analysisUnits } from "../apps/cli/src/lib/files.ts";
import { loadStructured } from "../packages/engine/src/core/structured.ts";
import { loadItems } from "./public-corpus/corpus.ts";
import { readMaterial } from "./public-corpus/material.ts";

export interface BadEvidence {
  unit: string;
  ruleId: string;
  resource: string;
  file: string;
  line: number | null;
  path: string;
  why: string;
}

/** The path's ancestors, nearest first: `a.b.0.c` → `a.b.0`, `a.b`, `a`. */
function ancestors(path: string): string[] {
  const parts = path.split(".");
  return parts.slice(1).map((_, i) => parts.slice(0, parts.length - 1 - i).join("."));
}

/** Why a threat's evidence location is not where it says, or null when it is. */
export function auditLocation(
  threat: Threat,
  e: Threat["evidence"][number],
  nodes: readonly GraphNode[],
  secretLines: ReadonlySet<string>,
  text: (file: string) => string[],
): string | null {
  if (e.line !== null && secretLines.has(`${e.file}\u0000${e.line}`)) return null;
  const block = /^data\.([\w-]+)\.([\w-]+)\.statement\.\d+$/.exec(e.path);
  if (block && e.line !== null) {
    const lines = text(e.file);
    const header = lines.findIndex((l) => l.trim().startsWith(`data "${block[1]}" "${block[2]}"`));
    return header >= 0 && header < e.line - 1 && /^\s*statement\s*\{/.test(lines[e.line - 1] ?? "")
      ? null
      : `line ${e.line} is not a statement of ${e.path.replace(/\.statement\.\d+$/, "")}`;
  }
  const inFile = nodes.filter((n) => n.file === e.file);
  if (inFile.length === 0) {
    // A policy document a Terraform module reads with file() / templatefile(): the statement's line in it.
    const statement = /^Statement(?:\.(\d+))?$/.exec(e.path);
    const json = statement ? loadStructured(text(e.file).join("\n")) : undefined;
    if (statement && json?.ok && json.documents.length === 1) {
      const doc = json.documents[0]!;
      const line =
        statement[1] === undefined ? doc.lineOf(["Statement"]) : doc.lineOf(["Statement", Number(statement[1])]);
      if (line !== undefined && line === e.line) return null;
      return `line ${String(e.line)} is not ${e.path} of ${e.file} (line ${String(line)})`;
    }
    return `no resource of the analysis is in ${e.file}`;
  }
  const declared = (n: GraphNode, path: string): number | null | undefined =>
    path === "" ? n.line : n.propertyLines[path];
  if (inFile.some((n) => declared(n, e.path) !== undefined && (e.line === null || declared(n, e.path) === e.line)))
    return null;
  const own = threat.resources
    .map((r) => inFile.find((n) => n.id === r.id))
    .filter((n): n is GraphNode => n !== undefined);
  const holders = own.filter((n) => declared(n, e.path) !== undefined);
  if (holders.length > 0)
    return `${e.path} is declared by ${holders.map((n) => `${n.id} (line ${String(declared(n, e.path))})`).join(", ")}, not at line ${String(e.line)}`;
  const owner = own.find((n) => {
    const nearest = ancestors(e.path)
      .map((a) => n.propertyLines[a])
      .find((l) => l !== undefined);
    return (nearest ?? n.line) === e.line;
  });
  if (owner) return null;
  return `no resource of the threat declares ${e.path || "itself"} at line ${String(e.line)}, and it is not the nearest declared ancestor of a missing ${e.path}`;
}

/** Every bad evidence location of the rule threats of one analysis unit. */
export async function auditUnit(unit: SourceFile[], name: string): Promise<BadEvidence[]> {
  const { graph, threats } = await analyze(unit);
  const secretLines = new Set(graph.facts.secrets.map((s) => `${s.file}\u0000${String(s.line)}`));
  const text = (file: string) => unit.find((f) => f.path === file)?.content.split("\n") ?? [];
  const bad: BadEvidence[] = [];
  for (const t of threats) {
    for (const e of t.evidence) {
      const why = auditLocation(t, e, graph.nodes, secretLines, text);
      if (why)
        bad.push({
          unit: name,
          ruleId: t.ruleId ?? "",
          resource: t.resources[0]?.id ?? "",
          file: e.file,
          line: e.line,
          path: e.path,
          why,
        });
    }
  }
  return bad;
}

const root = fileURLToPath(new URL("..", import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
  );
}

/** The regression corpus's templates, one unit per folder as `threatline scan` groups them. */
export function regressionUnits(): Array<{ name: string; files: SourceFile[] }> {
  const files = walk(join(root, "bench/corpus"))
    .filter((p) => !p.endsWith(".expected.json"))
    .map((p) => ({ path: relative(root, p), content: readFileSync(p, "utf8") }));
  return analysisUnits(files).map((u) => ({ name: u[0]!.path, files: u }));
}

/** The public corpus's items whose material is in the mirror, as `threatline scan` groups each item's files. */
export function publicUnits(): Array<{ name: string; files: SourceFile[] }> {
  const units: Array<{ name: string; files: SourceFile[] }> = [];
  for (const [name, item] of loadItems(join(root, "bench/public-corpus/items"))) {
    const material = readMaterial(item);
    if (typeof material === "string") continue;
    for (const u of analysisUnits(material)) units.push({ name: `${name}: ${u[0]!.path}`, files: u });
  }
  return units;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { name, files } of [...regressionUnits(), ...publicUnits()])
    for (const b of await auditUnit(files, name))
      process.stdout.write(`${b.ruleId} ${b.resource} ${b.file}:${String(b.line)} ${b.path}: ${b.why}\n`);
}
