import { expect, it } from "vitest";
import { analyze } from "../src/index.ts";

/** A rule's fixtures: edits that turn the clean fixture into a positive (and, optionally, a near-miss negative). */
export interface RuleCase<T> {
  positive: (fixture: T) => unknown;
  negative?: (fixture: T) => unknown;
}

export interface RuleCaseSuite<T> {
  /** Path the rendered fixture is analysed under. */
  path: string;
  /** A fresh clean fixture: no rule fires on it. */
  clean: () => T;
  render: (fixture: T) => string;
  cases: Record<string, RuleCase<T>>;
}

/** Rule ids the engine reports for a fixture; the fixture must parse. */
export async function ruleIdsOf<T>(suite: Pick<RuleCaseSuite<T>, "path" | "render">, fixture: T): Promise<string[]> {
  const { threats, files } = await analyze([{ path: suite.path, content: suite.render(fixture) }]);
  expect(files[0]?.error).toBeUndefined();
  return [...new Set(threats.map((t) => t.ruleId ?? ""))].sort();
}

/**
 * For every rule: it fires on its positive fixture (naming the resource, with evidence lines inside the file)
 * and stays silent on its negative one. Call inside a `describe`.
 */
export function ruleCaseTests<T>(suite: RuleCaseSuite<T>): void {
  for (const [id, c] of Object.entries(suite.cases)) {
    it(`${id} fires on its positive fixture, naming the resource, with evidence lines inside the file`, async () => {
      const fixture = suite.clean();
      c.positive(fixture);
      expect(await ruleIdsOf(suite, fixture)).toContain(id);
      const text = suite.render(fixture);
      const { threats } = await analyze([{ path: suite.path, content: text }]);
      const lineCount = text.split("\n").length;
      for (const t of threats.filter((x) => x.ruleId === id)) {
        expect(t.description).toContain(t.resources[0]!.id);
        for (const e of t.evidence) {
          expect(e.line).toBeGreaterThan(0);
          expect(e.line).toBeLessThanOrEqual(lineCount);
        }
      }
    });
    it(`${id} stays silent on its negative fixture`, async () => {
      const fixture = suite.clean();
      c.negative?.(fixture);
      expect(await ruleIdsOf(suite, fixture)).not.toContain(id);
    });
  }
}
