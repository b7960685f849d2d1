/**
 * Scoring of the public labelled corpus: which threats match which labelled expectation, and the figures
 * (strict and lenient recall, precision, unexpected threats per 100 resources, good/bad twin discrimination).
 * Pure functions over plain values, so the unit test needs neither the engine nor the mirror.
 */

/** STRIDE letters, as the corpus labels them. */
export type StrideLetter = "S" | "T" | "R" | "I" | "D" | "E";

export interface Weakness {
  title: string;
  stride: StrideLetter;
  /** Builtin rule ids that are about this weakness (strict match). */
  rules: readonly string[];
}

export type ItemFormat = "cloudformation" | "terraform" | "openapi" | "kubernetes";
export type ItemKind = "vulnerable" | "documented-bad" | "documented-good" | "real-world";

export interface Expectation {
  resource: string;
  weakness: string;
  why: string;
  /** Other ids the same weakness may honestly be reported on (the policy resource of a bucket, say). */
  also?: string[];
}

export interface Ignore {
  resource: string;
  rule: string;
  why: string;
}

export interface Item {
  source: { repo: string; commit: string; paths: string[] };
  format: ItemFormat;
  kind: ItemKind;
  /** On a documented-bad item: the name of its documented-good twin (`terraform/kics-efs-encryption-good`). */
  twin?: string;
  expect: Expectation[];
  ignore?: Ignore[];
  notes?: string;
}

/** The part of an engine threat the scoring reads. */
export interface ThreatLike {
  ruleId: string | null;
  category: string;
  title: string;
  /** info | low | medium | high | critical; optional so the scoring test can leave it out. */
  severity?: string;
  resources: { id: string; type: string; file: string; line: number | null }[];
  evidence: { file: string; line: number | null; path: string }[];
  /** Rules merged into this threat (one threat per weakness): they count as its rules for matching. */
  contributingRules?: { ruleId: string }[];
}

/** The primary rule and every rule merged into the threat. */
function rulesOf(threat: ThreatLike): string[] {
  return [...(threat.ruleId === null ? [] : [threat.ruleId]), ...(threat.contributingRules ?? []).map((c) => c.ruleId)];
}

const STRIDE_OF_CATEGORY: Record<string, StrideLetter> = {
  Spoofing: "S",
  Tampering: "T",
  Repudiation: "R",
  InformationDisclosure: "I",
  DenialOfService: "D",
  ElevationOfPrivilege: "E",
};

/** The STRIDE letter of an engine category (`InformationDisclosure` → `I`), or null for an unknown one. */
export function strideOf(category: string): StrideLetter | null {
  return STRIDE_OF_CATEGORY[category] ?? null;
}

/** `aws_s3_bucket.logs["a"]` and `aws_s3_bucket.logs[0]` are `aws_s3_bucket.logs` for matching. */
function normalizeId(id: string): string {
  return id.replace(/\[[^\]]*\]/g, "");
}

/**
 * Whether a threat's resource id names the labelled resource. Exact after dropping `count`/`for_each`
 * indexes; a Terraform address also matches inside a module (`module.db.aws_db_instance.this` for
 * `aws_db_instance.this`), since the label is written against the module's own file.
 */
export function sameResource(threatResourceId: string, labelled: string): boolean {
  const got = normalizeId(threatResourceId);
  const want = normalizeId(labelled);
  if (got === want) return true;
  return want.includes(".") && got.endsWith(`.${want}`) && got.startsWith("module.");
}

function labelIds(e: { resource: string; also?: string[] }): string[] {
  return [e.resource, ...(e.also ?? [])];
}

function onResource(threat: ThreatLike, ids: readonly string[]): boolean {
  return threat.resources.some((r) => ids.some((id) => sameResource(r.id, id)));
}

/** Strict: the threat is on the labelled resource and its rule (or one merged into it) is one the weakness lists. */
export function strictMatch(threat: ThreatLike, e: Expectation, weaknesses: Record<string, Weakness>): boolean {
  const w = weaknesses[e.weakness];
  if (!w || !rulesOf(threat).some((r) => w.rules.includes(r))) return false;
  return onResource(threat, labelIds(e));
}

/** Lenient: any threat on the labelled resource with the weakness's STRIDE letter. */
export function lenientMatch(threat: ThreatLike, e: Expectation, weaknesses: Record<string, Weakness>): boolean {
  const w = weaknesses[e.weakness];
  if (!w || strideOf(threat.category) !== w.stride) return false;
  return onResource(threat, labelIds(e));
}

function ignoreMatch(threat: ThreatLike, ig: Ignore): boolean {
  return rulesOf(threat).includes(ig.rule) && onResource(threat, [ig.resource]);
}

/** How one threat was judged. */
export type Verdict = "expected" | "duplicate" | "ignored" | "lenient-only" | "unexpected";

export interface JudgedThreat {
  threat: ThreatLike;
  verdict: Verdict;
  /** Index into the item's `expect` for expected/duplicate/lenient-only threats. */
  expectation?: number;
}

export interface ItemScore {
  name: string;
  item: Item;
  resources: number;
  /** Per expectation: strictly found, leniently found. */
  found: { strict: boolean; lenient: boolean }[];
  threats: JudgedThreat[];
  error?: string;
}

/**
 * Judges an item's threats against its labels. The first threat strictly matching an expectation is
 * `expected`; further ones on the same expectation are `duplicate` (issue: one threat per weakness).
 * A threat that only matches leniently is `lenient-only`; one matching an `ignore` line is `ignored`;
 * anything else is `unexpected`.
 */
export function scoreItem(
  name: string,
  item: Item,
  threats: readonly ThreatLike[],
  resources: number,
  weaknesses: Record<string, Weakness>,
): ItemScore {
  const found = item.expect.map(() => ({ strict: false, lenient: false }));
  const judged: JudgedThreat[] = [];
  for (const threat of threats) {
    const strict = item.expect.map((e) => strictMatch(threat, e, weaknesses));
    const lenient = item.expect.map((e) => lenientMatch(threat, e, weaknesses));
    strict.forEach((s, i) => {
      if (s) found[i]!.strict = true;
    });
    lenient.forEach((l, i) => {
      if (l) found[i]!.lenient = true;
    });
    judged.push({ threat, verdict: "unexpected" });
    const j = judged[judged.length - 1]!;
    const first = strict.findIndex(Boolean);
    if (first >= 0) {
      j.verdict = "expected";
      j.expectation = first;
    } else if ((item.ignore ?? []).some((ig) => ignoreMatch(threat, ig))) {
      j.verdict = "ignored";
    } else {
      const l = lenient.findIndex(Boolean);
      if (l >= 0) {
        j.verdict = "lenient-only";
        j.expectation = l;
      }
    }
  }
  // A strict match counts once per expectation: a second threat about the same labelled weakness is a duplicate
  // unless it is the first for another expectation it also matches.
  const claimed = new Set<number>();
  for (const j of judged) {
    if (j.verdict !== "expected") continue;
    const matches = item.expect.map((e, i) => (strictMatch(j.threat, e, weaknesses) ? i : -1)).filter((i) => i >= 0);
    const free = matches.find((i) => !claimed.has(i));
    if (free === undefined) {
      j.verdict = "duplicate";
      j.expectation = matches[0];
    } else {
      claimed.add(free);
      j.expectation = free;
    }
  }
  return { name, item, resources, found, threats: judged };
}

export interface Totals {
  items: number;
  resources: number;
  expectations: number;
  strict: number;
  lenient: number;
  threats: number;
  expected: number;
  duplicate: number;
  ignored: number;
  lenientOnly: number;
  unexpected: number;
  /** Unexpected threats of medium severity or above: the noise a team cannot filter away by severity. */
  unexpectedMediumUp: number;
}

const MEDIUM_UP = new Set(["medium", "high", "critical"]);

/** Sums item scores; ratios are derived by {@link ratios}. */
export function totals(scores: readonly ItemScore[]): Totals {
  const t: Totals = {
    items: 0,
    resources: 0,
    expectations: 0,
    strict: 0,
    lenient: 0,
    threats: 0,
    expected: 0,
    duplicate: 0,
    ignored: 0,
    lenientOnly: 0,
    unexpected: 0,
    unexpectedMediumUp: 0,
  };
  for (const s of scores) {
    t.items += 1;
    t.resources += s.resources;
    t.expectations += s.found.length;
    t.strict += s.found.filter((f) => f.strict).length;
    t.lenient += s.found.filter((f) => f.strict || f.lenient).length;
    t.threats += s.threats.length;
    for (const j of s.threats) {
      if (j.verdict === "expected") t.expected += 1;
      else if (j.verdict === "duplicate") t.duplicate += 1;
      else if (j.verdict === "ignored") t.ignored += 1;
      else if (j.verdict === "lenient-only") t.lenientOnly += 1;
      else {
        t.unexpected += 1;
        if (MEDIUM_UP.has(j.threat.severity ?? "")) t.unexpectedMediumUp += 1;
      }
    }
  }
  return t;
}

export interface Ratios {
  strictRecall: number | null;
  lenientRecall: number | null;
  /** (expected + duplicate + ignored) / threats: a threat about a labelled weakness is right, repeated or not. */
  precision: number | null;
  /** Same, also counting lenient-only threats as right. */
  lenientPrecision: number | null;
  /** Threats that match no expectation (not even leniently) and no ignore line, per 100 resources. */
  unexpectedPer100: number | null;
  /** Unexpected threats of medium severity or above, per 100 resources. */
  unexpectedMediumUpPer100: number | null;
  /** Threats beyond the first for one labelled weakness, per 100 resources. */
  duplicatesPer100: number | null;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function ratios(t: Totals): Ratios {
  return {
    strictRecall: ratio(t.strict, t.expectations),
    lenientRecall: ratio(t.lenient, t.expectations),
    precision: ratio(t.expected + t.duplicate + t.ignored, t.threats),
    lenientPrecision: ratio(t.expected + t.duplicate + t.ignored + t.lenientOnly, t.threats),
    unexpectedPer100: t.resources === 0 ? null : (100 * t.unexpected) / t.resources,
    unexpectedMediumUpPer100: t.resources === 0 ? null : (100 * t.unexpectedMediumUp) / t.resources,
    duplicatesPer100: t.resources === 0 ? null : (100 * t.duplicate) / t.resources,
  };
}

export interface TwinResult {
  bad: string;
  good: string;
  /** The bad item has at least one strict hit. */
  badHit: boolean;
  /** Threats on the good twin whose rule is about a weakness the bad item is labelled with. */
  goodFalseAlarms: ThreatLike[];
  discriminated: boolean;
}

/**
 * Good/bad twins: a documented-bad item is told apart from its documented-good twin when the bad one has a
 * strict hit on the checked weakness (one the bad item is labelled with and the good one is not) and the good
 * one has no threat from a rule of a checked weakness.
 */
export function twinResult(bad: ItemScore, good: ItemScore, weaknesses: Record<string, Weakness>): TwinResult {
  const shared = new Set(good.item.expect.map((e) => e.weakness));
  const checked = bad.item.expect.map((e, i) => ({ e, i })).filter(({ e }) => !shared.has(e.weakness));
  const rules = new Set(checked.flatMap(({ e }) => weaknesses[e.weakness]?.rules ?? []));
  const badHit = checked.some(({ i }) => bad.found[i]!.strict);
  const goodFalseAlarms = good.threats.map((j) => j.threat).filter((t) => rulesOf(t).some((r) => rules.has(r)));
  return {
    bad: bad.name,
    good: good.name,
    badHit,
    goodFalseAlarms,
    discriminated: badHit && goodFalseAlarms.length === 0,
  };
}

/** Checks an item against the taxonomy; returns readable problems (unknown weakness, missing twin...). */
export function validateItem(
  name: string,
  item: Item,
  weaknesses: Record<string, Weakness>,
  names: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  if (!/^[0-9a-f]{40}$/.test(item.source.commit)) problems.push(`${name}: commit is not 40 hex digits`);
  if (item.source.paths.length === 0) problems.push(`${name}: no paths`);
  for (const e of item.expect) {
    if (!weaknesses[e.weakness]) problems.push(`${name}: unknown weakness ${e.weakness}`);
    if (!e.why.trim()) problems.push(`${name}: expectation on ${e.resource} has no why`);
  }
  if (item.kind === "documented-good" && item.twin) problems.push(`${name}: the twin link goes on the bad item`);
  if (item.twin && !names.has(item.twin)) problems.push(`${name}: twin ${item.twin} does not exist`);
  return problems;
}
