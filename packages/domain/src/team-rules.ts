import { z } from "zod";
import { RatingSchema } from "./severity.ts";
import { StrideCategorySchema } from "./stride.ts";

/**
 * Team rules: threat rules a team writes in YAML over the normalised resource graph, run next to the
 * builtin ones without a rebuild. The CLI loads them with `--rules DIR`; the format is documented in the
 * README ("Team rules").
 */

const ScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Tests on the value(s) at a path. Several tests in one condition must all hold. */
const ValueTestsShape = {
  /** Equal to this value (deep equality for lists and maps). */
  equals: z.unknown().optional(),
  /** Not equal to this value (a missing value is not equal). */
  notEquals: z.unknown().optional(),
  /** `true`: the path is present (a value the engine could not resolve counts as present). `false`: as `missing: true`. */
  exists: z.boolean().optional(),
  /** `true`: the path is absent or null. */
  missing: z.boolean().optional(),
  /** One of these values. */
  in: z.array(ScalarSchema).min(1).optional(),
  /** A string matching this regular expression (JavaScript syntax). */
  matches: z
    .string()
    .refine(
      (source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      },
      { message: "not a valid regular expression" },
    )
    .optional(),
  /** Numeric comparisons (numeric strings such as "22" compare as numbers). */
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
};

const VALUE_TESTS = Object.keys(ValueTestsShape);

/** A condition on one resource; `any`, `all` and `not` combine them. */
export type TeamRuleCondition =
  | { all: TeamRuleCondition[] }
  | { any: TeamRuleCondition[] }
  | { not: TeamRuleCondition }
  | ({ attr: string } & ValueTests)
  | ({ property: string } & ValueTests)
  | { internet: boolean }
  | { attached: TeamRuleRelation };

export type ValueTests = {
  equals?: unknown;
  notEquals?: unknown;
  exists?: boolean;
  missing?: boolean;
  in?: Array<string | number | boolean | null>;
  matches?: string;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
};

/** Another resource linked to this one by a graph edge, that must exist (wrap in `not` for "must not"). */
export interface TeamRuleRelation {
  /** Edge kinds to follow (`security-group`, `iam-role`, `references` …); any edge when absent. */
  edge?: string | string[];
  /** `out`: this resource points at the other; `in`: the other points at this one; `any` (default): either. */
  direction?: "out" | "in" | "any";
  kind?: string | string[];
  type?: string | string[];
  where?: TeamRuleCondition;
}

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const valueTest = (key: "attr" | "property") =>
  z
    .object({ [key]: z.string().min(1), ...ValueTestsShape })
    .strict()
    .refine((c) => VALUE_TESTS.some((t) => (c as Record<string, unknown>)[t] !== undefined), {
      message: `a '${key}' condition needs a test: ${VALUE_TESTS.join(", ")}`,
    });

export const TeamRuleConditionSchema: z.ZodType<TeamRuleCondition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(TeamRuleConditionSchema).min(1) }).strict(),
    z.object({ any: z.array(TeamRuleConditionSchema).min(1) }).strict(),
    z.object({ not: TeamRuleConditionSchema }).strict(),
    valueTest("attr"),
    valueTest("property"),
    z.object({ internet: z.boolean() }).strict(),
    z.object({ attached: TeamRuleRelationSchema }).strict(),
  ]),
) as z.ZodType<TeamRuleCondition>;

export const TeamRuleRelationSchema: z.ZodType<TeamRuleRelation> = z.lazy(() =>
  z
    .object({
      edge: oneOrMany.optional(),
      direction: z.enum(["out", "in", "any"]).optional(),
      kind: oneOrMany.optional(),
      type: oneOrMany.optional(),
      where: TeamRuleConditionSchema.optional(),
    })
    .strict(),
);

/** A fixture: a small template that must (`threat`) or must not (`none`) raise the rule. */
export const TeamRuleTestSchema = z
  .object({
    name: z.string().min(1).optional(),
    /** A template file, relative to the rule file. */
    file: z.string().min(1).optional(),
    /** Or the template inline; `path` names it (its extension picks the parser). */
    content: z.string().optional(),
    path: z.string().min(1).optional(),
    expect: z.enum(["threat", "none"]),
  })
  .strict()
  .refine((t) => (t.file === undefined) !== (t.content === undefined), {
    message: "give the fixture as file: or as content: (with path:), not both",
  })
  .refine((t) => t.content === undefined || t.path !== undefined, {
    message: "an inline fixture needs path: (e.g. template.yaml or main.tf) to pick its parser",
  });
export type TeamRuleTest = z.infer<typeof TeamRuleTestSchema>;

/** One team rule file. */
export const TeamRuleSchema = z
  .object({
    /** Stable id, reported like a builtin rule's: `ACME-S3-001`. Must not be a builtin id. */
    id: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)+$/, "write the id like ACME-S3-001 (letters, digits, dashes)"),
    title: z.string().min(1).max(200),
    category: StrideCategorySchema,
    /** 1–5; the score is likelihood × impact and gives the severity, as for builtin rules. */
    likelihood: RatingSchema,
    impact: RatingSchema,
    /** `{resource}` is replaced by the resource id. */
    description: z.string().min(1),
    remediation: z.union([
      z.string().min(1),
      z
        .object({
          text: z.string().min(1),
          fix: z.partialRecord(z.enum(["cloudformation", "terraform", "openapi", "kubernetes"]), z.string()).optional(),
        })
        .strict(),
    ]),
    references: z
      .object({
        cwe: z.array(z.string()).optional(),
        capec: z.array(z.string()).optional(),
        attack: z.array(z.string()).optional(),
      })
      .strict()
      .default({}),
    /** Which resources the rule looks at, and the condition that raises it. */
    match: z
      .object({
        /** Normalised kinds (`aws.s3.bucket`, `aws.ec2.security-group`, `k8s.workload`, `openapi.operation` …). */
        kind: oneOrMany.optional(),
        /** Native types (`AWS::S3::Bucket`, `aws_s3_bucket`). */
        type: oneOrMany.optional(),
        where: TeamRuleConditionSchema.optional(),
      })
      .strict()
      .refine((m) => m.kind !== undefined || m.type !== undefined, {
        message: "name the resources with kind: or type:",
      }),
    tests: z.array(TeamRuleTestSchema).default([]),
  })
  .strict();
export type TeamRule = z.infer<typeof TeamRuleSchema>;

/** A team's rule set on the server: the worker runs it next to the builtin rules on every analysis of the team's projects. */
export const TeamRuleSetSchema = z
  .object({ rules: z.array(TeamRuleSchema).max(200) })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    for (const [i, rule] of set.rules.entries()) {
      if (seen.has(rule.id))
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `rule id ${rule.id} is used twice` });
      seen.add(rule.id);
    }
  });
export type TeamRuleSet = z.infer<typeof TeamRuleSetSchema>;

export interface TeamRuleSetDto {
  teamId: string;
  rules: TeamRule[];
}
