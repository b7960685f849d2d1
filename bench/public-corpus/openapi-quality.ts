/**
 * OpenAPI figures on the public labelled corpus (bench/public-corpus/items/openapi), counted as CORPUS.md says:
 * strict recall (a threat on the labelled operation with one of the weakness' rules), lenient recall (any threat
 * on it with the weakness' STRIDE letter), precision (threats matching an expectation or an ignore / all threats,
 * and the same for medium-and-above threats only). Stands in until the shared bench/public-quality.ts lands.
 *
 * Run: `npx tsx bench/public-corpus/openapi-quality.ts [--engine <path to packages/engine/src/index.ts>] [--json]`.
 * The material is read from the mirrors (`PUBLIC_CORPUS_MIRROR`, default /work/.mirror), never committed.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { OPENAPI_WEAKNESSES } from "./weaknesses-openapi.ts";

interface Item {
  source: { repo: string; commit: string; paths: string[] };
  kind: string;
  expect: { resource: string; weakness: string; why: string }[];
  ignore?: { resource: string; rule: string; why: string }[];
}
interface Threat {
  ruleId?: string;
  category: string;
  severity: string;
  resources: { id: string }[];
  evidence: { line: number | null }[];
}

const LETTER: Record<string, string> = {
  Spoofing: "S",
  Tampering: "T",
  Repudiation: "R",
  InformationDisclosure: "I",
  DenialOfService: "D",
  ElevationOfPrivilege: "E",
};

const here = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const enginePath = args.includes("--engine")
  ? args[args.indexOf("--engine") + 1]!
  : join(here, "../../packages/engine/src/index.ts");
const mirror = process.env.PUBLIC_CORPUS_MIRROR ?? "/work/.mirror";
const { analyze } = (await import(pathToFileURL(enginePath).href)) as {
  analyze: (files: { path: string; content: string }[]) => Promise<{ threats: Threat[] }>;
};

const dir = join(here, "items/openapi");
let expected = 0;
let strict = 0;
let lenient = 0;
let total = 0;
let matched = 0;
let totalMed = 0;
let matchedMed = 0;
const misses: string[] = [];
const unexpected: string[] = [];
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  const item = JSON.parse(readFileSync(join(dir, name), "utf8")) as Item;
  const gitDir = join(mirror, item.source.repo.replace("/", "+"), "repo");
  const files = item.source.paths.map((p) => ({
    path: p,
    content: execFileSync("git", ["--git-dir", gitDir, "show", `${item.source.commit}:${p}`], {
      maxBuffer: 1 << 28,
    }).toString(),
  }));
  const { threats } = await analyze(files);
  const on = (resource: string): Threat[] => threats.filter((t) => t.resources[0]?.id === resource);
  for (const e of item.expect) {
    const w = OPENAPI_WEAKNESSES[e.weakness];
    if (!w) throw new Error(`${name}: unknown weakness ${e.weakness}`);
    expected += 1;
    const mine = on(e.resource);
    if (mine.some((t) => w.rules.includes(t.ruleId ?? ""))) strict += 1;
    else misses.push(`${name}: ${e.resource} — ${e.weakness}`);
    if (mine.some((t) => LETTER[t.category] === w.stride)) lenient += 1;
  }
  for (const t of threats) {
    const id = t.resources[0]?.id ?? "";
    const ok =
      item.expect.some((e) => e.resource === id && OPENAPI_WEAKNESSES[e.weakness]!.rules.includes(t.ruleId ?? "")) ||
      (item.ignore ?? []).some((i) => i.resource === id && i.rule === t.ruleId);
    const med = t.severity !== "low" && t.severity !== "info";
    total += 1;
    if (med) totalMed += 1;
    if (ok) {
      matched += 1;
      if (med) matchedMed += 1;
    } else unexpected.push(`${name}: ${t.ruleId} ${t.severity} ${id} (line ${t.evidence[0]?.line ?? "?"})`);
  }
}
const pct = (a: number, b: number): string => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(0)}%`);
const summary = {
  items: readdirSync(dir).filter((f) => f.endsWith(".json")).length,
  expected,
  strictRecall: pct(strict, expected),
  lenientRecall: pct(lenient, expected),
  threats: total,
  precision: pct(matched, total),
  threatsMediumUp: totalMed,
  precisionMediumUp: pct(matchedMed, totalMed),
};
if (args.includes("--json")) console.log(JSON.stringify({ summary, misses, unexpected }, null, 2));
else {
  console.log(summary);
  console.log("\nMisses:\n" + misses.join("\n"));
  console.log("\nUnexpected:\n" + unexpected.join("\n"));
}
