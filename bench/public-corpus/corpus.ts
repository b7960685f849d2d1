/**
 * Reading the labelled corpus from disk and checking it hangs together (no mirror needed): every item names a
 * known weakness, a source listed in sources.json at the same commit, an existing twin, and no repository kept
 * for independent evaluation.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type Item, type Weakness, validateItem } from "./score.ts";

export interface Source {
  repo: string;
  commit: string;
  licence: string;
  why: string;
}

/** Repositories reserved for independent evaluation: never material for this corpus. */
export const EXCLUDED_REPOS = [
  "bridgecrewio/cfngoat",
  "bridgecrewio/terragoat",
  "nccgroup/sadcloud",
  "stelligent/cfn_nag",
  "bridgecrewio/checkov",
  "aquasecurity/trivy-checks",
  "erev0s/VAmPI",
  "OWASP/crAPI",
];

function listJson(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) listJson(full, out);
    else if (entry.name.endsWith(".json")) out.push(full);
  }
  return out;
}

/** Items by name (`terraform/kics-efs-unencrypted-bad`), in name order. */
export function loadItems(itemsDir: string): Map<string, Item> {
  const items = new Map<string, Item>();
  for (const file of listJson(itemsDir)) {
    const name = relative(itemsDir, file)
      .replace(/\.json$/, "")
      .split("\\")
      .join("/");
    items.set(name, JSON.parse(readFileSync(file, "utf8")) as Item);
  }
  return items;
}

export function loadSources(file: string): Source[] {
  return JSON.parse(readFileSync(file, "utf8")) as Source[];
}

/** Readable problems with the corpus; empty when it is consistent. */
export function checkCorpus(
  items: ReadonlyMap<string, Item>,
  sources: readonly Source[],
  weaknesses: Record<string, Weakness>,
): string[] {
  const names = new Set(items.keys());
  const known = new Set(sources.map((s) => `${s.repo}@${s.commit}`));
  const excluded = new Set(EXCLUDED_REPOS.map((r) => r.toLowerCase()));
  const problems: string[] = [];
  for (const [name, item] of items) {
    problems.push(...validateItem(name, item, weaknesses, names));
    if (!name.startsWith(`${item.format}/`)) problems.push(`${name}: format ${item.format} but filed elsewhere`);
    if (excluded.has(item.source.repo.toLowerCase()))
      problems.push(`${name}: ${item.source.repo} is reserved for independent evaluation`);
    if (!known.has(`${item.source.repo}@${item.source.commit}`))
      problems.push(`${name}: ${item.source.repo}@${item.source.commit} is not in sources.json`);
    if (item.twin && items.get(item.twin)?.kind !== "documented-good")
      problems.push(`${name}: twin ${item.twin} is not a documented-good item`);
  }
  return problems;
}
