import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capThreats } from "@threatline/domain";
import { analyze } from "../../src/analyze.ts";
import type { SourceFile } from "../../src/graph/types.ts";
import { hugeCloudFormation } from "../../../../scripts/faults/huge-templates.ts";

const corpus = join(import.meta.dirname, "../../../../bench/corpus");
/** The engine corpus's templates of one format (not their expectations). */
function templates(dir: string): SourceFile[] {
  return readdirSync(join(corpus, dir))
    .filter((f) => !f.endsWith(".expected.json"))
    .map((f) => ({ path: `${dir}/${f}`, content: readFileSync(join(corpus, dir, f), "utf8") }));
}

describe("analyze with maxThreats: only the kept threats are written out", () => {
  it(
    "keeps exactly the threats (merged, in order) and counts exactly the rest that capping the full result would",
    { timeout: 120_000 },
    async () => {
      const files = [...templates("cloudformation"), ...templates("terraform"), hugeCloudFormation(300)];
      const focus = files.map((f) => f.path);
      const full = await analyze(files, { focus });
      expect(full.omitted).toBeNull();
      // Merged threats (several rules in one) must be among the kept ones, or this proves nothing about merging.
      const mergedRules = full.threats.filter((t) => (t.contributingRules ?? []).length > 0).map((t) => t.ruleId);
      expect(mergedRules.length).toBeGreaterThan(50);
      expect(mergedRules.filter((r) => r?.startsWith("TL-COMBO-")).length).toBeGreaterThan(3);
      for (const max of [1, 37, 400, full.threats.length - 1]) {
        const capped = await analyze(files, { focus, maxThreats: max });
        const expected = capThreats(full.threats, max);
        expect(capped.threats).toEqual(expected.kept);
        expect(capped.omitted).toEqual(expected.omitted);
      }
      const all = await analyze(files, { focus, maxThreats: full.threats.length });
      expect({ n: all.threats.length, omitted: all.omitted }).toEqual({ n: full.threats.length, omitted: null });
    },
  );
});
