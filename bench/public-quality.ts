/**
 * Precision and recall of the builtin engine on the public labelled corpus (bench/public-corpus): public files
 * (scanners' documented good/bad examples, vulnerable-by-design repositories, real-world samples) labelled by
 * reading them, scored by bench/public-corpus/score.ts. See bench/public-corpus/README.md.
 *
 * Run: `npx tsx bench/public-quality.ts` (scores this tree's engine as "after", writes
 * bench/results/public-quality.md and .json). `--engine <dir> --label before` scores the engine of another
 * checkout (a worktree at an older commit, with its own `npm ci`) on the same corpus. `--format terraform` or
 * `--item <name>` print one part to stdout and write nothing. `--json` prints the run as JSON.
 *
 * Material is read from the mirror (`PUBLIC_CORPUS_MIRROR`, default /work/.mirror): one bare git directory per
 * repository at `<mirror>/<owner>+<name>/repo`, read with `git show <commit>:<path>`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  type Item,
  type ItemScore,
  type Ratios,
  type ThreatLike,
  type Totals,
  type TwinResult,
  ratios,
  scoreItem,
  totals,
  twinResult,
} from "./public-corpus/score.ts";
import { checkCorpus, loadItems, loadSources } from "./public-corpus/corpus.ts";
import { mirrorRoot, readMaterial } from "./public-corpus/material.ts";
import { headlineBlock, resultsReader, withHeadlines } from "./headlines.ts";
import { WEAKNESSES } from "./public-corpus/weaknesses.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const corpusDir = join(root, "bench/public-corpus");
const itemsDir = join(corpusDir, "items");
const resultMd = join(root, "bench/results/public-quality.md");
const resultJson = join(root, "bench/results/public-quality.json");

interface SourceFile {
  path: string;
  content: string;
}
interface EngineApi {
  analyze(
    files: SourceFile[],
    options?: { focus?: string[] },
  ): Promise<{
    files: { path: string; resources: number; error?: { code: string; message: string } }[];
    threats: (ThreatLike & { fingerprint: string })[];
  }>;
  ENGINE_VERSION: string;
}
interface CliFiles {
  analysisUnits(files: readonly SourceFile[]): SourceFile[][];
  /** Since the CLI analyses a spec with the infrastructure that serves it (absent from older checkouts). */
  scanUnits?(files: readonly SourceFile[]): { files: SourceFile[]; context: SourceFile[] }[];
}

const { values: args } = parseArgs({
  options: {
    engine: { type: "string" },
    label: { type: "string" },
    format: { type: "string" },
    item: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

function readCorpus(): Map<string, Item> {
  const items = loadItems(itemsDir);
  const problems = checkCorpus(items, loadSources(join(corpusDir, "sources.json")), WEAKNESSES);
  if (problems.length > 0) {
    process.stderr.write(`Corpus problems:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  return items;
}

async function loadEngine(dir: string): Promise<{ engine: EngineApi; cli: CliFiles }> {
  const engine = (await import(pathToFileURL(join(dir, "packages/engine/src/index.ts")).href)) as EngineApi;
  const cli = (await import(pathToFileURL(join(dir, "apps/cli/src/lib/files.ts")).href)) as CliFiles;
  return { engine, cli };
}

/** Analyses an item the way `threatline scan` does: by analysis unit, threats joined by fingerprint. */
async function runItem(
  { engine, cli }: { engine: EngineApi; cli: CliFiles },
  files: SourceFile[],
): Promise<{ threats: ThreatLike[]; resources: number; errors: string[] }> {
  const threats = new Map<string, ThreatLike>();
  let resources = 0;
  const errors: string[] = [];
  const units = cli.scanUnits ? cli.scanUnits(files) : cli.analysisUnits(files).map((u) => ({ files: u, context: [] }));
  for (const unit of units) {
    const own = unit.files.map((f) => f.path);
    const result = await engine.analyze(
      [...unit.files, ...unit.context],
      unit.context.length > 0 ? { focus: own } : {},
    );
    for (const f of result.files) {
      if (!own.includes(f.path)) continue;
      resources += f.resources;
      if (f.error) errors.push(`${f.path}: ${f.error.code}: ${f.error.message}`);
    }
    for (const t of result.threats) if (!threats.has(t.fingerprint)) threats.set(t.fingerprint, t);
  }
  return { threats: [...threats.values()], resources, errors };
}

interface Run {
  label: string;
  /** The items scored in this run (not skipped). */
  itemNames?: string[];
  engineVersion: string;
  engineDir: string;
  date: string;
  skipped: { item: string; why: string }[];
  overall: Totals & Ratios;
  perFormat: Record<string, Totals & Ratios>;
  perKind: Record<string, Totals & Ratios>;
  perWeakness: Record<string, { expectations: number; strict: number; lenient: number }>;
  twins: { total: number; discriminated: number; perFormat: Record<string, { total: number; discriminated: number }> };
  twinFailures: { bad: string; good: string; badHit: boolean; goodFalseAlarms: string[] }[];
  misses: { item: string; resource: string; weakness: string; why: string; lenient: boolean }[];
  unexpected: {
    item: string;
    rule: string;
    title: string;
    severity: string;
    resource: string;
    where: string;
    verdict: string;
  }[];
  errors: { item: string; error: string }[];
}

const both = (t: Totals): Totals & Ratios => ({ ...t, ...ratios(t) });

function where(t: ThreatLike): string {
  const e = t.evidence[0] ?? t.resources[0];
  return e ? `${e.file}:${e.line ?? "?"}` : "?";
}

async function main(): Promise<void> {
  const items = readCorpus();
  const engineDir = args.engine ?? root;
  const api = await loadEngine(engineDir);
  const label = args.label ?? (args.engine ? "before" : "after");
  const partial = Boolean(args.format ?? args.item);

  const scores: ItemScore[] = [];
  const skipped: Run["skipped"] = [];
  const errors: Run["errors"] = [];
  for (const [name, item] of items) {
    if (args.format && item.format !== args.format) continue;
    if (args.item && name !== args.item) continue;
    const material = readMaterial(item);
    if (typeof material === "string") {
      skipped.push({ item: name, why: material });
      continue;
    }
    const { threats, resources, errors: errs } = await runItem(api, material);
    for (const e of errs) errors.push({ item: name, error: e });
    scores.push(scoreItem(name, item, threats, resources, WEAKNESSES));
  }

  const byName = new Map(scores.map((s) => [s.name, s]));
  const group = (key: (s: ItemScore) => string): Record<string, Totals & Ratios> => {
    const groups = new Map<string, ItemScore[]>();
    for (const s of scores) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
    return Object.fromEntries([...groups].sort().map(([k, v]) => [k, both(totals(v))]));
  };

  const perWeakness: Run["perWeakness"] = {};
  const misses: Run["misses"] = [];
  for (const s of scores) {
    s.item.expect.forEach((e, i) => {
      const f = s.found[i]!;
      const w = (perWeakness[e.weakness] ??= { expectations: 0, strict: 0, lenient: 0 });
      w.expectations += 1;
      if (f.strict) w.strict += 1;
      if (f.strict || f.lenient) w.lenient += 1;
      if (!f.strict)
        misses.push({ item: s.name, resource: e.resource, weakness: e.weakness, why: e.why, lenient: f.lenient });
    });
  }

  const twinResults: (TwinResult & { format: string })[] = [];
  for (const s of scores) {
    if (s.item.kind !== "documented-bad" || !s.item.twin) continue;
    const good = byName.get(s.item.twin);
    if (!good) continue;
    twinResults.push({ ...twinResult(s, good, WEAKNESSES), format: s.item.format });
  }
  const twinPerFormat: Run["twins"]["perFormat"] = {};
  for (const t of twinResults) {
    const f = (twinPerFormat[t.format] ??= { total: 0, discriminated: 0 });
    f.total += 1;
    if (t.discriminated) f.discriminated += 1;
  }

  const run: Run = {
    label,
    itemNames: scores.map((s) => s.name),
    engineVersion: api.engine.ENGINE_VERSION,
    engineDir: relative(root, engineDir) || ".",
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    skipped,
    overall: both(totals(scores)),
    perFormat: group((s) => s.item.format),
    perKind: group((s) => s.item.kind),
    perWeakness: Object.fromEntries(Object.entries(perWeakness).sort()),
    twins: {
      total: twinResults.length,
      discriminated: twinResults.filter((t) => t.discriminated).length,
      perFormat: twinPerFormat,
    },
    twinFailures: twinResults
      .filter((t) => !t.discriminated)
      .map((t) => ({
        bad: t.bad,
        good: t.good,
        badHit: t.badHit,
        goodFalseAlarms: t.goodFalseAlarms.map((a) => `${a.ruleId} on ${a.resources[0]?.id ?? "?"} (${where(a)})`),
      })),
    misses,
    unexpected: scores.flatMap((s) =>
      s.threats
        .filter((j) => j.verdict === "unexpected" || j.verdict === "duplicate" || j.verdict === "lenient-only")
        .map((j) => ({
          item: s.name,
          rule: `${j.threat.ruleId ?? "(none)"}${j.threat.contributingRules?.length ? ` (+${j.threat.contributingRules.map((c) => c.ruleId).join(", ")})` : ""}`,
          title: j.threat.title,
          severity: j.threat.severity ?? "?",
          resource: j.threat.resources[0]?.id ?? "?",
          where: where(j.threat),
          verdict: j.verdict,
        })),
    ),
    errors,
  };

  for (const s of skipped) process.stderr.write(`skipped ${s.item}: ${s.why}\n`);
  const missingRepos = [...new Set(skipped.map((s) => /^repository (\S+) is not/.exec(s.why)?.[1]).filter(Boolean))];
  if (missingRepos.length > 0)
    process.stderr.write(
      `\n${skipped.length} item(s) skipped. Bring the missing repositories into the mirror (the search tool's fetch, ` +
        `or \`git clone --bare https://github.com/<owner>/<name> ${mirrorRoot}/<owner>+<name>/repo\`): ${missingRepos.join(", ")}\n`,
    );

  if (args.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  if (partial) {
    if (!args.json) process.stdout.write(renderRun(run, items).join("\n") + "\n");
    return;
  }
  const previous = existsSync(resultJson) ? (JSON.parse(readFileSync(resultJson, "utf8")) as Record<string, Run>) : {};
  const all: Record<string, Run> = { ...previous, [label]: run };
  writeFileSync(resultJson, `${JSON.stringify(all, null, 2)}\n`);
  const md = render(all, items);
  writeFileSync(resultMd, md);
  // BENCHMARKS.md's generated headline table reads public-quality.json: keep it current with the result.
  const benchmarks = join(root, "BENCHMARKS.md");
  if (existsSync(benchmarks)) {
    const current = readFileSync(benchmarks, "utf8");
    const next = await withHeadlines(current, headlineBlock(resultsReader()));
    if (next !== current) writeFileSync(benchmarks, next);
  }
  if (!args.json) process.stdout.write(summaryLines(all).join("\n") + "\n");
}

const pct = (x: number | null): string => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null): string => (x === null ? "n/a" : x.toFixed(1));

function figuresRow(name: string, t: Totals & Ratios, twins?: { total: number; discriminated: number }): string {
  const tw =
    twins && twins.total > 0
      ? `${twins.discriminated}/${twins.total} (${pct(twins.discriminated / twins.total)})`
      : "n/a";
  return `| ${name} | ${t.items} | ${t.resources} | ${t.expectations} | ${pct(t.strictRecall)} | ${pct(t.lenientRecall)} | ${pct(t.precision)} | ${pct(t.lenientPrecision)} | ${t.unexpected} | ${num(t.unexpectedPer100)} | ${num(t.unexpectedMediumUpPer100)} | ${num(t.duplicatesPer100)} | ${tw} |`;
}

const FIGURES_HEAD = [
  "| | items | resources | expectations | strict recall | lenient recall | precision | lenient precision | unexpected | unexpected / 100 resources | of which medium+ / 100 | duplicates / 100 resources | twins told apart |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
];

function summaryLines(all: Record<string, Run>): string[] {
  const lines = ["## Before and after", "", ...FIGURES_HEAD];
  for (const label of ["before", "after", ...Object.keys(all).filter((k) => k !== "before" && k !== "after")]) {
    const r = all[label];
    if (!r) continue;
    lines.push(figuresRow(`**${label}** (engine ${r.engineVersion}, ${r.date})`, r.overall, r.twins));
    for (const [format, t] of Object.entries(r.perFormat))
      lines.push(figuresRow(`${label} · ${format}`, t, r.twins.perFormat[format]));
  }
  return lines;
}

function renderRun(run: Run, items: Map<string, Item>, before?: Run): string[] {
  const lines: string[] = [];
  lines.push(
    `## Details of the "${run.label}" run (engine ${run.engineVersion}, ${run.engineDir === "." ? "this checkout" : run.engineDir})`,
    "",
  );
  lines.push(...FIGURES_HEAD, figuresRow("all", run.overall, run.twins));
  for (const [format, t] of Object.entries(run.perFormat))
    lines.push(figuresRow(format, t, run.twins.perFormat[format]));
  for (const [kind, t] of Object.entries(run.perKind)) lines.push(figuresRow(`kind: ${kind}`, t));
  lines.push("");
  if (run.skipped.length > 0) {
    lines.push("### Skipped items (material missing from the mirror)", "");
    for (const s of run.skipped) lines.push(`- \`${s.item}\`: ${s.why}`);
    lines.push("");
  }
  if (run.errors.length > 0) {
    lines.push("### Files the engine refused", "");
    for (const e of run.errors) lines.push(`- \`${e.item}\`: ${e.error}`);
    lines.push("");
  }
  lines.push(
    "### Per weakness",
    "",
    `| weakness | STRIDE | builtin rules | expectations | strict | lenient |${before ? " strict before |" : ""}`,
    `|---|---|---|---|---|---|${before ? "---|" : ""}`,
  );
  for (const [id, w] of Object.entries(run.perWeakness)) {
    const def = WEAKNESSES[id];
    const then = before?.perWeakness[id];
    lines.push(
      `| ${id} | ${def?.stride ?? "?"} | ${def && def.rules.length > 0 ? def.rules.length : "none"} | ${w.expectations} | ${w.strict} | ${w.lenient} |${before ? ` ${then ? then.strict : "–"} |` : ""}`,
    );
  }
  lines.push("", "### Good/bad twins not told apart", "");
  if (run.twinFailures.length === 0) lines.push("None.");
  for (const t of run.twinFailures)
    lines.push(
      `- \`${t.bad}\` / \`${t.good}\`: ${t.badHit ? "bad one found" : "bad one missed"}${t.goodFalseAlarms.length ? `; good one flagged: ${t.goodFalseAlarms.join("; ")}` : ""}`,
    );
  lines.push("", "### Misses (no threat from a rule about the weakness on the labelled resource)", "");
  if (run.misses.length === 0) lines.push("None.");
  for (const m of run.misses) {
    const src = items.get(m.item)?.source;
    lines.push(
      `- \`${m.item}\` ${m.resource} — ${m.weakness}${m.lenient ? " (found leniently)" : ""}: ${m.why}${src ? ` [${src.paths.length === 1 ? src.paths[0] : `${src.paths.length} files`}]` : ""}`,
    );
  }
  const byRule = new Map<
    string,
    { title: string; unexpected: number; duplicate: number; lenient: number; items: Set<string> }
  >();
  for (const u of run.unexpected) {
    const r = byRule.get(u.rule) ?? {
      title: u.title,
      unexpected: 0,
      duplicate: 0,
      lenient: 0,
      items: new Set<string>(),
    };
    if (u.verdict === "unexpected") r.unexpected += 1;
    else if (u.verdict === "duplicate") r.duplicate += 1;
    else r.lenient += 1;
    r.items.add(u.item);
    byRule.set(u.rule, r);
  }
  lines.push(
    "",
    "### Unlabelled threats by rule",
    "",
    "| rule | title | unexpected | duplicate | lenient-only | items |",
    "|---|---|---|---|---|---|",
  );
  for (const [rule, r] of [...byRule].sort((a, b) => b[1].unexpected - a[1].unexpected || a[0].localeCompare(b[0])))
    lines.push(`| ${rule} | ${r.title} | ${r.unexpected} | ${r.duplicate} | ${r.lenient} | ${r.items.size} |`);
  lines.push(
    "",
    "### Threats that match no expectation (unexpected), repeat one (duplicate) or match only by STRIDE letter",
    "",
  );
  if (run.unexpected.length === 0) lines.push("None.");
  for (const u of run.unexpected)
    lines.push(`- ${u.verdict}: ${u.rule} (${u.severity}) ${u.title} — ${u.resource} at ${u.where} (\`${u.item}\`)`);
  lines.push("");
  return lines;
}

/** What changed between two runs on the items both scored: expectations newly found or lost, unexpected by rule. */
function changeLines(before: Run, after: Run): string[] {
  if (!before.itemNames || !after.itemNames) return [];
  const both = new Set(before.itemNames.filter((n) => after.itemNames!.includes(n)));
  const key = (m: Run["misses"][number]) => `${m.item}|${m.resource}|${m.weakness}`;
  const missedBefore = new Map(before.misses.filter((m) => both.has(m.item)).map((m) => [key(m), m]));
  const missedAfter = new Map(after.misses.filter((m) => both.has(m.item)).map((m) => [key(m), m]));
  const lost = [...missedAfter].filter(([k]) => !missedBefore.has(k)).map(([, m]) => m);
  const found = [...missedBefore].filter(([k]) => !missedAfter.has(k)).map(([, m]) => m);
  const byRule = (r: Run) => {
    const counts = new Map<string, number>();
    for (const u of r.unexpected)
      if (u.verdict === "unexpected" && both.has(u.item)) {
        const rule = u.rule.replace(/ \(\+.*\)$/, "");
        counts.set(rule, (counts.get(rule) ?? 0) + 1);
      }
    return counts;
  };
  const ub = byRule(before);
  const ua = byRule(after);
  const deltas = [...new Set([...ub.keys(), ...ua.keys()])]
    .map((rule) => ({ rule, before: ub.get(rule) ?? 0, after: ua.get(rule) ?? 0 }))
    .filter((d) => d.before !== d.after)
    .sort((a, b) => b.after - b.before - (a.after - a.before) || a.rule.localeCompare(b.rule));
  const lines = [`## What changed from "${before.label}" to "${after.label}" (${both.size} items scored in both)`, ""];
  lines.push(
    `Expectations found by "${after.label}" but not by "${before.label}": ${found.length}. Lost (a regression): ${lost.length}.`,
    "",
  );
  for (const m of lost) lines.push(`- LOST \`${m.item}\` ${m.resource} — ${m.weakness}: ${m.why}`);
  if (lost.length > 0) lines.push("");
  lines.push("| rule | unexpected before | unexpected after |", "|---|---|---|");
  for (const d of deltas) lines.push(`| ${d.rule} | ${d.before} | ${d.after} |`);
  lines.push("");
  return lines;
}

function render(all: Record<string, Run>, items: Map<string, Item>): string {
  const counts = new Map<string, number>();
  for (const item of items.values())
    counts.set(`${item.format} ${item.kind}`, (counts.get(`${item.format} ${item.kind}`) ?? 0) + 1);
  const expectations = [...items.values()].reduce((n, i) => n + i.expect.length, 0);
  const latest = all.after ?? all.before ?? Object.values(all)[0];
  const lines = [
    "# Public labelled corpus: precision and recall",
    "",
    "Produced by `npx tsx bench/public-quality.ts` (after) and `npx tsx bench/public-quality.ts --engine ../baseline --label before`",
    "(the engine at 2abc6e0, same corpus). How the corpus was built and labelled: [bench/public-corpus/README.md](../public-corpus/README.md).",
    "",
    `Corpus: ${items.size} items, ${expectations} expectations (${[...counts]
      .sort()
      .map(([k, n]) => `${k}: ${n}`)
      .join(", ")}).`,
    "",
    "- **strict recall**: labelled weaknesses with a threat on the labelled resource from a rule listed for that weakness;",
    "- **lenient recall**: also any threat on that resource with the weakness's STRIDE letter;",
    "- **precision**: threats about a labelled weakness (first or repeated) or an ignore line / all threats; lenient precision also counts threats that match only by STRIDE letter;",
    "- **unexpected / 100 resources**: threats that match nothing labelled, not even leniently, per 100 resources the engine parsed (and those of medium severity or above);",
    "- **duplicates / 100 resources**: second and further threats about one labelled weakness;",
    "- **twins told apart**: documented-bad items with a strict hit whose documented-good twin has no threat from the same rules.",
    "",
    ...summaryLines(all),
    "",
    ...(all.before && all.after ? changeLines(all.before, all.after) : []),
    ...(latest ? renderRun(latest, items, latest === all.after ? all.before : undefined) : []),
  ];
  return `${lines.join("\n")}\n`;
}

await main();
