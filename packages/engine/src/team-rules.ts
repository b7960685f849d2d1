import type { TeamRule, TeamRuleCondition, TeamRuleRelation, ValueTests } from "@threatline/domain";
import { analyze } from "./analyze.ts";
import { isUnresolved, type GraphNode, type SourceFile } from "./graph/types.ts";
import type { Finding, Rule, RuleContext } from "./rules/types.ts";

/**
 * Team rules compiled into engine rules: a validated `TeamRule` (packages/domain) becomes a `Rule` whose
 * check walks the conditions over the normalised resource graph. Pure, like every rule.
 */

const list = (v: string | string[] | undefined): string[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

/** A value found at a path, with the concrete path it was found at (`*` replaced by the index). */
interface Located {
  path: string;
  value: unknown;
}

/** Values at a dotted path; `*` fans out over a list's items or a map's values. Missing steps give nothing. */
export function valuesAt(root: unknown, path: string): Located[] {
  let current: Located[] = [{ path: "", value: root }];
  for (const step of path.split(".")) {
    const next: Located[] = [];
    for (const { path: at, value } of current) {
      const join = (key: string | number): string => (at === "" ? String(key) : `${at}.${key}`);
      if (value === null || typeof value !== "object" || isUnresolved(value)) continue;
      if (step === "*") {
        const entries: Array<[string | number, unknown]> = Array.isArray(value)
          ? value.map((v, i) => [i, v])
          : Object.entries(value);
        for (const [k, v] of entries) next.push({ path: join(k), value: v });
      } else if (Object.prototype.hasOwnProperty.call(value, step)) {
        next.push({ path: join(step), value: (value as Record<string, unknown>)[step] });
      }
    }
    current = next;
  }
  return current;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/**
 * Whether one present value passes every value test. A value the engine could not resolve passes none of
 * them: a rule never raises a threat on a guess.
 */
function valuePasses(value: unknown, tests: ValueTests): boolean {
  if (isUnresolved(value)) return false;
  if (tests.equals !== undefined && !deepEqual(value, tests.equals)) return false;
  if (tests.notEquals !== undefined && deepEqual(value, tests.notEquals)) return false;
  if (tests.in !== undefined && !tests.in.some((v) => deepEqual(value, v))) return false;
  if (tests.matches !== undefined && !(typeof value === "string" && new RegExp(tests.matches).test(value)))
    return false;
  const n = asNumber(value);
  for (const [key, bound] of [
    ["gt", tests.gt],
    ["gte", tests.gte],
    ["lt", tests.lt],
    ["lte", tests.lte],
  ] as const) {
    if (bound === undefined) continue;
    if (n === undefined) return false;
    if (key === "gt" ? !(n > bound) : key === "gte" ? !(n >= bound) : key === "lt" ? !(n < bound) : !(n <= bound))
      return false;
  }
  return true;
}

const hasValueTests = (t: ValueTests): boolean =>
  [t.equals, t.notEquals, t.in, t.matches, t.gt, t.gte, t.lt, t.lte].some((v) => v !== undefined);

/** The outcome of a condition: whether it holds, and the property paths that show it (for evidence lines). */
interface Outcome {
  holds: boolean;
  paths: string[];
}

function testPath(root: unknown, path: string, tests: ValueTests, evidence: boolean): Outcome {
  const present = valuesAt(root, path).filter((l) => l.value !== undefined && l.value !== null);
  const wantsMissing = tests.missing === true || tests.exists === false;
  if (wantsMissing) return { holds: present.length === 0, paths: [] };
  if (tests.exists === true && present.length === 0) return { holds: false, paths: [] };
  if (tests.missing === false && present.length === 0) return { holds: false, paths: [] };
  if (!hasValueTests(tests)) return { holds: present.length > 0, paths: evidence ? present.map((l) => l.path) : [] };
  const passing = present.filter((l) => valuePasses(l.value, tests));
  return { holds: passing.length > 0, paths: evidence ? passing.map((l) => l.path) : [] };
}

function related(ctx: RuleContext, node: GraphNode, relation: TeamRuleRelation): GraphNode[] {
  const edges = list(relation.edge);
  const direction = relation.direction ?? "any";
  const kinds = list(relation.kind);
  const types = list(relation.type);
  const found = new Map<string, GraphNode>();
  const follow = (pick: (kind?: string) => GraphNode[]): void => {
    for (const edgeKind of edges ?? [undefined]) for (const n of pick(edgeKind)) found.set(n.id, n);
  };
  if (direction !== "in") follow((k) => ctx.out(node.id, k));
  if (direction !== "out") follow((k) => ctx.in(node.id, k));
  return [...found.values()].filter(
    (n) =>
      (kinds === undefined || kinds.includes(n.kind)) &&
      (types === undefined || types.includes(n.type)) &&
      (relation.where === undefined || evaluate(ctx, n, relation.where).holds),
  );
}

/** Evaluates a condition on one node. */
export function evaluate(ctx: RuleContext, node: GraphNode, condition: TeamRuleCondition): Outcome {
  if ("all" in condition) {
    const parts = condition.all.map((c) => evaluate(ctx, node, c));
    return { holds: parts.every((p) => p.holds), paths: parts.flatMap((p) => p.paths) };
  }
  if ("any" in condition) {
    const parts = condition.any.map((c) => evaluate(ctx, node, c)).filter((p) => p.holds);
    return { holds: parts.length > 0, paths: parts.flatMap((p) => p.paths) };
  }
  if ("not" in condition) return { holds: !evaluate(ctx, node, condition.not).holds, paths: [] };
  if ("attr" in condition) return { holds: testPath(node.attrs, condition.attr, condition, false).holds, paths: [] };
  if ("property" in condition) return testPath(node.properties, condition.property, condition, true);
  if ("internet" in condition) return { holds: ctx.isExposed(node.id) === condition.internet, paths: [] };
  return { holds: related(ctx, node, condition.attached).length > 0, paths: [] };
}

/** The related nodes an `attached` condition at the top level (or in a top-level `all`) found, for the threat. */
function relatedNodes(ctx: RuleContext, node: GraphNode, condition: TeamRuleCondition | undefined): GraphNode[] {
  if (!condition) return [];
  if ("attached" in condition) return related(ctx, node, condition.attached);
  if ("all" in condition) return condition.all.flatMap((c) => relatedNodes(ctx, node, c));
  return [];
}

/** Compiles a validated team rule into an engine rule. */
export function compileTeamRule(rule: TeamRule): Rule {
  const kinds = list(rule.match.kind);
  const types = list(rule.match.type);
  const remediation = typeof rule.remediation === "string" ? { text: rule.remediation } : rule.remediation;
  return {
    id: rule.id,
    title: rule.title,
    category: rule.category,
    likelihood: rule.likelihood,
    impact: rule.impact,
    description: rule.description,
    remediation: remediation.fix ? { text: remediation.text, fix: remediation.fix } : { text: remediation.text },
    references: rule.references,
    docs: `${rule.description}\n\n${remediation.text}`,
    // Selected by type only: the engine cannot know the kinds beforehand, so the rule runs on any graph.
    kinds: kinds ?? ["*"],
    check(ctx: RuleContext): Finding[] {
      const findings: Finding[] = [];
      for (const node of ctx.graph.nodes) {
        if (kinds !== undefined && !kinds.includes(node.kind)) continue;
        if (types !== undefined && !types.includes(node.type)) continue;
        const outcome = rule.match.where ? evaluate(ctx, node, rule.match.where) : { holds: true, paths: [] };
        if (!outcome.holds) continue;
        const others = relatedNodes(ctx, node, rule.match.where).filter((n) => n.id !== node.id);
        findings.push({
          node,
          paths: [...new Set(outcome.paths)].slice(0, 10),
          ...(others.length > 0 ? { related: others.slice(0, 5) } : {}),
        });
      }
      return findings;
    },
  };
}

/** A fixture of a rule: a small template that must (`threat`) or must not (`none`) raise it. */
export interface RuleFixture {
  name: string;
  file: SourceFile;
  expect: "threat" | "none";
}

export interface FixtureResult {
  name: string;
  expect: "threat" | "none";
  passed: boolean;
  /** Why it failed, in words. */
  problem?: string;
}

/**
 * Runs a rule alone over each fixture, the way the builtin rules' harness does: a positive fixture must
 * raise it, a negative one must not, and a fixture that does not parse fails. A rule needs at least one
 * fixture of each kind.
 */
export async function runRuleFixtures(rule: Rule, fixtures: readonly RuleFixture[]): Promise<FixtureResult[]> {
  const results: FixtureResult[] = [];
  for (const kind of ["threat", "none"] as const)
    if (!fixtures.some((f) => f.expect === kind))
      results.push({
        name: kind === "threat" ? "(positive fixture)" : "(negative fixture)",
        expect: kind,
        passed: false,
        problem: `the rule has no ${kind === "threat" ? "positive (expect: threat)" : "negative (expect: none)"} fixture`,
      });
  for (const fixture of fixtures) {
    const result = await analyze([fixture.file], { rules: [rule] });
    const error = result.files.find((f) => f.error)?.error;
    if (error) {
      results.push({ ...pick(fixture), passed: false, problem: `${error.code}: ${error.message}` });
      continue;
    }
    const raised = result.threats.filter((t) => t.ruleId === rule.id);
    const passed = fixture.expect === "threat" ? raised.length > 0 : raised.length === 0;
    results.push({
      ...pick(fixture),
      passed,
      ...(passed
        ? {}
        : {
            problem:
              fixture.expect === "threat"
                ? `expected a threat, none was raised (${result.graph.nodes.length} resource(s) parsed: ${result.graph.nodes
                    .slice(0, 5)
                    .map((n) => `${n.id} ${n.kind}`)
                    .join(", ")})`
                : `expected no threat, got ${raised.length} on ${raised.map((t) => t.resources[0]?.id ?? "?").join(", ")}`,
          }),
    });
  }
  return results;
}

const pick = (f: RuleFixture): { name: string; expect: "threat" | "none" } => ({ name: f.name, expect: f.expect });
