import type { Threat } from "@threatline/domain";
import { pushTo } from "../collections.ts";
import { clampRating, severityFromScore, threatScore } from "@threatline/domain";

/**
 * Rules that report one weakness from different angles (the access key id, the secret key and "secrets in user
 * data" for one script; SSH, an insecure port and a wide range for one ingress rule). On one resource they
 * become one threat: the first rule of the group that fired is the primary and keeps its fingerprint (so its
 * triage stays put); the others are listed as contributing rules with their evidence.
 */
export const WEAKNESSES: ReadonlyArray<{ weakness: string; rules: readonly string[] }> = [
  {
    weakness: "hard-coded-credentials",
    rules: [
      "TL-AWS-EC2-004",
      "TL-AWS-LAMBDA-004",
      "TL-AWS-ECS-002",
      "TL-AWS-RDS-010",
      "TL-AWS-SM-003",
      "TL-K8S-POD-008",
      "TL-SECRET-003",
      "TL-SECRET-002",
      "TL-SECRET-004",
      "TL-SECRET-006",
      "TL-SECRET-005",
      "TL-SECRET-001",
    ],
  },
  {
    weakness: "security-group-open-to-internet",
    rules: [
      "TL-AWS-SG-004",
      "TL-AWS-SG-003",
      "TL-AWS-SG-001",
      "TL-AWS-SG-002",
      "TL-AWS-SG-005",
      "TL-AWS-SG-006",
      "TL-AWS-SG-008",
    ],
  },
  { weakness: "s3-public-bucket", rules: ["TL-AWS-S3-002", "TL-AWS-S3-004", "TL-AWS-S3-001", "TL-AWS-S3-003"] },
  { weakness: "k8s-privileged-container", rules: ["TL-K8S-POD-001", "TL-K8S-POD-004", "TL-K8S-POD-012"] },
  { weakness: "database-backups", rules: ["TL-AWS-RDS-003", "TL-AWS-RDS-004"] },
  // Both are per-spec contract hygiene on the API node: one finding about unbounded inputs.
  { weakness: "api-unbounded-input", rules: ["TL-API-INPUT-001", "TL-API-INPUT-002"] },
];

/**
 * What a combination threat stands for on its own resources: the base threats of the weakness it escalates,
 * which it absorbs instead of repeating (the entry point's own threat stays: it is another weakness). A base
 * threat that already stands for other rules too (merged from them) is absorbed only when each of those is a
 * part as well, so no other weakness disappears into the combination.
 */
export const COMBINATIONS: Readonly<Record<string, readonly string[]>> = {
  "TL-COMBO-001": ["TL-AWS-IAM-004", "TL-AWS-IAM-001"],
  "TL-COMBO-002": [
    "TL-AWS-S3-006",
    "TL-AWS-RDS-002",
    "TL-AWS-REDSHIFT-002",
    "TL-AWS-EC-001",
    "TL-AWS-EC-002",
    "TL-AWS-OS-003",
    "TL-AWS-EFS-001",
    "TL-AWS-SQS-001",
    "TL-AWS-SNS-001",
    "TL-AWS-KINESIS-001",
    "TL-AWS-EC2-008",
  ],
  // The security group's threat for the database port (or the wide or IPv6 range that opens it) is the same
  // weakness seen from the group: one threat, the group listed. A group that also opens SSH keeps its threat.
  "TL-COMBO-003": ["TL-AWS-RDS-001", "TL-AWS-REDSHIFT-001", "TL-AWS-SG-003", "TL-AWS-SG-006", "TL-AWS-SG-008"],
  "TL-COMBO-004": ["TL-AWS-S3-009"],
  "TL-COMBO-005": ["TL-AWS-IAM-004", "TL-AWS-IAM-001"],
  "TL-COMBO-006": ["TL-AWS-IAM-006", "TL-AWS-IAM-004"],
};

const groupOf = new Map<string, { weakness: string; rank: number }>();
for (const { weakness, rules } of WEAKNESSES) rules.forEach((id, rank) => groupOf.set(id, { weakness, rank }));

export const resourceKey = (r: { id: string; file: string } | undefined): string => (r ? `${r.file}\u0000${r.id}` : "");

export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `absorbed` folded into `primary`: one threat, the worst rating of them all, every rule and piece of evidence. */
export function absorb(primary: Threat, absorbed: readonly Threat[]): Threat {
  if (absorbed.length === 0) return primary;
  const all = [primary, ...absorbed];
  const likelihood = clampRating(Math.max(...all.map((t) => t.likelihood)));
  const impact = clampRating(Math.max(...all.map((t) => t.impact)));
  const score = Math.max(primary.score, threatScore(likelihood, impact));
  const contributors = absorbed.flatMap((t) => [
    { ruleId: t.ruleId ?? "", fingerprint: t.fingerprint, title: t.title },
    ...(t.contributingRules ?? []),
  ]);
  return {
    ...primary,
    likelihood,
    impact,
    score,
    severity: severityFromScore(score),
    description: [primary.description, ...absorbed.map((t) => `${t.ruleId ?? t.title}: ${t.description}`)].join("\n\n"),
    resources: uniqueBy(
      all.flatMap((t) => t.resources),
      resourceKey,
    ),
    evidence: uniqueBy(
      all.flatMap((t) => t.evidence),
      (e) => `${e.file}\u0000${e.line ?? ""}\u0000${e.path}`,
    ),
    remediations: uniqueBy(
      all.flatMap((t) => t.remediations),
      (r) => r.text,
    ),
    references: {
      cwe: [...new Set(all.flatMap((t) => t.references.cwe))],
      capec: [...new Set(all.flatMap((t) => t.references.capec))],
      attack: [...new Set(all.flatMap((t) => t.references.attack))],
    },
    contributingRules: uniqueBy([...(primary.contributingRules ?? []), ...contributors], (c) => c.fingerprint),
  };
}

/**
 * One threat per weakness per resource: overlapping rules merge into their group's primary, then combination
 * threats absorb the base threats of the weakness they escalate on their own resources. Order is kept.
 */
export function mergeOverlaps(threats: readonly Threat[]): Threat[] {
  return mergeBy(threats, absorb);
}

/** What merging reads of a threat (a threat, or a rule finding not yet written out as one). */
export type Mergeable = Pick<Threat, "fingerprint" | "ruleId"> & {
  resources: ReadonlyArray<{ id: string; file: string }>;
};

/** `mergeOverlaps` for anything with a threat's identity, `fold` doing what `absorb` does to threats. */
export function mergeBy<T extends Mergeable>(
  threats: readonly T[],
  fold: (primary: T, absorbed: readonly T[]) => T,
): T[] {
  const gone = new Set<string>();
  const merged = new Map<string, T>();
  /** The rules merged into a weakness's primary, by its fingerprint. */
  const absorbedRules = new Map<string, string[]>();

  const threatIndex = new Map(threats.map((t, i) => [t, i]));
  const byWeakness = new Map<string, T[]>();
  for (const t of threats) {
    const group = t.ruleId ? groupOf.get(t.ruleId) : undefined;
    if (!group) continue;
    pushTo(byWeakness, `${group.weakness}\u0000${resourceKey(t.resources[0])}`, t);
  }
  for (const members of byWeakness.values()) {
    if (members.length < 2) continue;
    const ranked = [...members].sort((a, b) => groupOf.get(a.ruleId!)!.rank - groupOf.get(b.ruleId!)!.rank);
    const [primary, ...rest] = ranked as [T, ...T[]];
    merged.set(primary.fingerprint, fold(primary, rest));
    absorbedRules.set(
      primary.fingerprint,
      rest.map((t) => t.ruleId!),
    );
    for (const t of rest) gone.add(t.fingerprint);
  }

  const current = (t: T): T => merged.get(t.fingerprint) ?? t;
  // Threats by their primary resource, once: a combination looks at its own resources only (scanning every
  // threat for each combination was quadratic — 42,802 public buckets never finished).
  const onResource = new Map<string, T[]>();
  for (const t of threats) if (t.ruleId !== null) pushTo(onResource, resourceKey(t.resources[0]), t);
  for (const combo of threats) {
    const parts = combo.ruleId ? COMBINATIONS[combo.ruleId] : undefined;
    if (!parts || gone.has(combo.fingerprint)) continue;
    const taken = uniqueBy(
      combo.resources.flatMap((r) => onResource.get(resourceKey(r)) ?? []),
      (t) => t.fingerprint,
    ).filter(
      (t) =>
        t !== combo &&
        !gone.has(t.fingerprint) &&
        parts.includes(t.ruleId!) &&
        (absorbedRules.get(t.fingerprint) ?? []).every((id) => parts.includes(id)),
    );
    if (taken.length === 0) continue;
    taken.sort((a, b) => threatIndex.get(a)! - threatIndex.get(b)!); // in the order the threats came
    merged.set(combo.fingerprint, fold(current(combo), taken.map(current)));
    for (const t of taken) gone.add(t.fingerprint);
  }

  return threats.filter((t) => !gone.has(t.fingerprint)).map(current);
}
