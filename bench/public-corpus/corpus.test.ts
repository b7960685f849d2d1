import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXCLUDED_REPOS, checkCorpus, loadItems, loadSources } from "./corpus.ts";
import type { Item } from "./score.ts";
import { WEAKNESSES } from "./weaknesses.ts";

const here = fileURLToPath(new URL(".", import.meta.url));

describe("the committed corpus", () => {
  it("is consistent: known weaknesses, listed sources, existing twins, no reserved repository", () => {
    const items = loadItems(`${here}items`);
    expect(items.size).toBeGreaterThan(0);
    expect(checkCorpus(items, loadSources(`${here}sources.json`), WEAKNESSES)).toEqual([]);
  });
});

describe("checkCorpus", () => {
  const source = { repo: "o/r", commit: "b".repeat(40), licence: "MIT", why: "w" };
  const item = (over: Partial<Item> = {}): Item => ({
    source: { repo: "o/r", commit: "b".repeat(40), paths: ["a.tf"] },
    format: "terraform",
    kind: "documented-bad",
    expect: [{ resource: "aws_s3_bucket.b", weakness: "s3-public-read", why: "acl" }],
    ...over,
  });

  it("refuses a reserved repository, an unlisted source and a twin that is not a good item", () => {
    const reserved = EXCLUDED_REPOS[0]!;
    const items = new Map<string, Item>([
      ["terraform/a", item({ source: { repo: reserved, commit: "b".repeat(40), paths: ["x.tf"] } })],
      ["terraform/b", item({ twin: "terraform/c" })],
      ["terraform/c", item()],
      ["cloudformation/d", item()],
    ]);
    expect(checkCorpus(items, [source], WEAKNESSES)).toEqual([
      `terraform/a: ${reserved} is reserved for independent evaluation`,
      `terraform/a: ${reserved}@${"b".repeat(40)} is not in sources.json`,
      "terraform/b: twin terraform/c is not a documented-good item",
      "cloudformation/d: format terraform but filed elsewhere",
    ]);
  });
});
