/**
 * Engine quality benchmark: recall and false positives of the builtin rules on a labelled corpus, and
 * throughput on a 500-file corpus built from it.
 *
 * Corpus convention: `bench/corpus/<format>/<name>.<ext>` with `<name>.expected.json` = `{ "ruleIds": [...] }`
 * (the rule ids the file must produce; clean files expect `[]`). A reported rule id that is not expected is a
 * false positive; an expected one that is not reported is a miss.
 *
 * Run: `npx tsx bench/engine-quality.ts` (writes bench/results/engine-quality.md).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyze, ENGINE_VERSION, RULES, type SourceFile } from "@threatline/engine";

const root = fileURLToPath(new URL("..", import.meta.url));
const corpusDir = join(root, "bench/corpus");
const resultFile = join(root, "bench/results/engine-quality.md");

interface Case {
  format: string;
  file: SourceFile;
  expected: string[];
}

function loadCorpus(): Case[] {
  const cases: Case[] = [];
  for (const format of readdirSync(corpusDir).sort()) {
    const dir = join(corpusDir, format);
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith(".expected.json") || name.startsWith(".")) continue;
      const stem = name.replace(/\.[^.]+$/, "");
      const expectedPath = join(dir, `${stem}.expected.json`);
      if (!existsSync(expectedPath)) continue;
      const expected = (JSON.parse(readFileSync(expectedPath, "utf8")) as { ruleIds: string[] }).ruleIds;
      cases.push({
        format,
        file: { path: `${format}/${name}`, content: readFileSync(join(dir, name), "utf8") },
        expected: [...new Set(expected)].sort(),
      });
    }
  }
  return cases;
}

interface FileResult {
  path: string;
  clean: boolean;
  error?: string;
  missed: string[];
  extra: string[];
  found: number;
  expected: number;
}

/** A near copy of a file: a new path and, where the syntax allows, a comment, so no cache could help. */
function variant(file: SourceFile, i: number): SourceFile {
  const path = `copy-${i}/${file.path}`;
  const yamlLike = /\.(ya?ml|tf|hcl)$/.test(file.path);
  return { path, content: yamlLike ? `${file.content}\n# variant ${i}\n` : file.content };
}

async function main(): Promise<void> {
  const cases = loadCorpus();
  const results = new Map<string, FileResult[]>();
  for (const c of cases) {
    const { threats, files } = await analyze([c.file]);
    // A rule merged into another threat of the same weakness still found it.
    const found = [
      ...new Set(threats.flatMap((t) => [t.ruleId ?? "", ...(t.contributingRules ?? []).map((c) => c.ruleId)])),
    ].sort();
    const r: FileResult = {
      path: c.file.path,
      clean: c.expected.length === 0,
      missed: c.expected.filter((id) => !found.includes(id)),
      extra: found.filter((id) => !c.expected.includes(id)),
      found: found.length,
      expected: c.expected.length,
    };
    const error = files[0]?.error;
    if (error) r.error = `${error.code}: ${error.message}`;
    results.set(c.format, [...(results.get(c.format) ?? []), r]);
  }

  // Throughput: one analysis per file, as the worker runs them.
  const pool = Array.from({ length: 500 }, (_, i) => {
    const c = cases[i % cases.length]!;
    return variant(c.file, i);
  });
  for (const f of pool.slice(0, 20)) await analyze([f]);
  const started = performance.now();
  let threatsTotal = 0;
  const perFormat = new Map<string, { files: number; ms: number }>();
  for (const f of pool) {
    const t0 = performance.now();
    threatsTotal += (await analyze([f])).threats.length;
    const format = f.path.split("/")[1] ?? "?";
    const entry = perFormat.get(format) ?? { files: 0, ms: 0 };
    entry.files += 1;
    entry.ms += performance.now() - t0;
    perFormat.set(format, entry);
  }
  const seconds = (performance.now() - started) / 1000;
  const bytes = pool.reduce((n, f) => n + f.content.length, 0);

  const lines: string[] = [];
  lines.push("# Engine quality", "");
  lines.push(
    `Engine ${ENGINE_VERSION}, ${RULES.length} rules, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}.`,
  );
  lines.push(
    "Produced by `npx tsx bench/engine-quality.ts`; corpus in `bench/corpus/<format>/` with `<name>.expected.json`.",
    "",
  );
  lines.push(
    "Caveat: the OpenAPI and Kubernetes files were written by the engineer who wrote their rules (each vulnerable file targets a few rules and is otherwise hardened), except the `*-upstream` files, which are published examples labelled with what a reviewer would flag. Read recall here as a regression check of the rules, not as an estimate of recall on templates in the wild.",
    "",
  );
  lines.push("## Recall and false positives per format", "");
  lines.push(
    "| format | files (clean) | expected rule hits | found | recall | false positives | FP on clean files | parse errors |",
  );
  lines.push("|---|---|---|---|---|---|---|---|");
  let allExpected = 0;
  let allMissed = 0;
  let allFp = 0;
  for (const [format, list] of results) {
    const expected = list.reduce((n, r) => n + r.expected, 0);
    const missed = list.reduce((n, r) => n + r.missed.length, 0);
    const fp = list.reduce((n, r) => n + r.extra.length, 0);
    const cleanFp = list.filter((r) => r.clean).reduce((n, r) => n + r.extra.length, 0);
    allExpected += expected;
    allMissed += missed;
    allFp += fp;
    const recall = expected === 0 ? "n/a" : `${(((expected - missed) / expected) * 100).toFixed(1)}%`;
    lines.push(
      `| ${format} | ${list.length} (${list.filter((r) => r.clean).length}) | ${expected} | ${expected - missed} | ${recall} | ${fp} | ${cleanFp} | ${list.filter((r) => r.error).length} |`,
    );
  }
  lines.push(
    `| **all** | ${cases.length} | ${allExpected} | ${allExpected - allMissed} | ${allExpected === 0 ? "n/a" : `${(((allExpected - allMissed) / allExpected) * 100).toFixed(1)}%`} | ${allFp} | | |`,
    "",
  );

  const problems = [...results.values()].flat().filter((r) => r.missed.length > 0 || r.extra.length > 0 || r.error);
  lines.push("## Misses and false positives", "");
  if (problems.length === 0) lines.push("None.");
  for (const r of problems) {
    lines.push(
      `- \`${r.path}\`${r.error ? ` error ${r.error}` : ""}${r.missed.length ? ` missed ${r.missed.join(", ")}` : ""}${r.extra.length ? ` unexpected ${r.extra.join(", ")}` : ""}`,
    );
  }
  lines.push("", "## Throughput", "");
  lines.push(
    `${pool.length} files (${(bytes / 1024).toFixed(0)} KiB, the corpus repeated with new paths and comments), analysed one file per call as the worker does: **${(pool.length / seconds).toFixed(0)} files/s** (${seconds.toFixed(2)} s, ${threatsTotal} threats; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} while it ran, so compare runs on a quiet machine).`,
    "",
  );
  lines.push("| format | files | files/s |", "|---|---|---|");
  for (const [format, { files, ms }] of [...perFormat].sort())
    lines.push(`| ${format} | ${files} | ${(files / (ms / 1000)).toFixed(0)} |`);
  lines.push("");
  writeFileSync(resultFile, `${lines.join("\n")}\n`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
