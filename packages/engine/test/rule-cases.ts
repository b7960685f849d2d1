import { describe, expect, it } from "vitest";
import { analyze } from "../src/index.ts";
import type { Rule } from "../src/rules/types.ts";

/** The formats a case can be written in, each analysed under its own file name. */
export const CASE_FORMATS = {
  cfn: { label: "CloudFormation", path: "template.yaml" },
  /** CloudFormation written as JSON (where JSON's own syntax matters). */
  json: { label: "CloudFormation JSON", path: "template.json" },
  tf: { label: "Terraform", path: "main.tf" },
  openapi: { label: "OpenAPI", path: "api.yaml" },
  k8s: { label: "Kubernetes", path: "k8s.yaml" },
} as const;

export type CaseFormat = keyof typeof CASE_FORMATS;

/** File texts that must raise a rule (`pos`) and that must not (`neg`). */
export interface Fixtures {
  pos: string[];
  neg: string[];
}

/** One rule's cases, in any of the formats: the one shape every rule family's cases take. */
export type RuleCase = { rule: string } & { [F in CaseFormat]?: Fixtures };

/** A rule's case written as edits: one that turns the clean fixture into a positive, and optionally a near miss. */
export interface RuleEdit<T> {
  positive: (fixture: T) => unknown;
  negative?: (fixture: T) => unknown;
}

/** Cases written as edits of one clean fixture (OpenAPI documents, Kubernetes manifests). */
export interface RuleCaseSuite<T> {
  /** Path the rendered fixture is analysed under: a `CASE_FORMATS` path. */
  path: string;
  /** A fresh clean fixture: no rule fires on it. */
  clean: () => T;
  render: (fixture: T) => string;
  cases: Record<string, RuleEdit<T>>;
}

/** A suite's edits as `RuleCase`s: the edited fixture is the positive, the near miss (or the clean one) the negative. */
export function casesFromEdits<T>(suite: RuleCaseSuite<T>): RuleCase[] {
  const format = (Object.keys(CASE_FORMATS) as CaseFormat[]).find((f) => CASE_FORMATS[f].path === suite.path);
  if (!format) throw new Error(`no case format is analysed as ${suite.path}`);
  const edited = (edit?: (fixture: T) => unknown): string => {
    const fixture = suite.clean();
    edit?.(fixture);
    return suite.render(fixture);
  };
  return Object.entries(suite.cases).map(([rule, c]) => ({
    rule,
    [format]: { pos: [edited(c.positive)], neg: [edited(c.negative)] },
  }));
}

/** Rule ids the engine reports for a suite's fixture; the fixture must parse. */
export async function ruleIdsOf<T>(suite: Pick<RuleCaseSuite<T>, "path" | "render">, fixture: T): Promise<string[]> {
  const { threats, files } = await analyze([{ path: suite.path, content: suite.render(fixture) }]);
  expect(files[0]?.error).toBeUndefined();
  return [...new Set(threats.map((t) => t.ruleId ?? ""))].sort();
}

export interface CaseOptions {
  /** Analyse each fixture with the rule under test alone (not the whole rule set, where overlaps fold threats). */
  alone?: readonly Rule[];
}

/**
 * For every case: the rule fires on each positive fixture, naming the resource, with evidence lines inside the
 * file, and stays silent on each negative one. Every fixture must parse. Call inside a `describe` or at the top.
 */
export function ruleCaseTests<T>(input: readonly RuleCase[] | RuleCaseSuite<T>, options: CaseOptions = {}): void {
  const cases = Array.isArray(input) ? (input as readonly RuleCase[]) : casesFromEdits(input as RuleCaseSuite<T>);
  const byId = new Map(options.alone?.map((r) => [r.id, r]));
  for (const c of cases) {
    const rules = options.alone ? [byId.get(c.rule)!] : undefined;
    describe(c.rule, () => {
      for (const format of Object.keys(CASE_FORMATS) as CaseFormat[]) {
        const set = c[format];
        if (!set) continue;
        const { label, path } = CASE_FORMATS[format];
        const run = async (content: string) => {
          const result = await analyze([{ path, content }], rules ? { rules } : {});
          const failed = result.files.find((f) => f.error);
          if (failed)
            throw new Error(
              `${path}: ${failed.error!.code} ${failed.error!.message} (line ${String(failed.error!.line)})`,
            );
          return result.threats;
        };
        it.each(set.pos.map((content, i) => [i, content] as const))(
          `${label}: raised by positive fixture %i, naming the resource, with evidence inside the file`,
          async (_i, content) => {
            const threats = await run(content);
            expect(threats.map((t) => t.ruleId)).toContain(c.rule);
            const lineCount = content.split("\n").length;
            for (const t of threats.filter((x) => x.ruleId === c.rule)) {
              expect(t.description).toContain(t.resources[0]!.id);
              for (const e of t.evidence) {
                expect(e.line).toBeGreaterThan(0);
                expect(e.line).toBeLessThanOrEqual(lineCount);
              }
            }
          },
        );
        it.each(set.neg.map((content, i) => [i, content] as const))(
          `${label}: not raised by negative fixture %i`,
          async (_i, content) => {
            expect((await run(content)).map((t) => t.ruleId)).not.toContain(c.rule);
          },
        );
      }
    });
  }
}
