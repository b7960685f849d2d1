import type { Threat } from "@threatline/domain";
import type { SourceFile } from "./graph/types.ts";

/**
 * Suppressions: a team's decision, written down next to the code or in its config, that a threat is
 * accepted for a reason until a date. Pure: the caller passes today's date, so the same inputs always give
 * the same answer.
 */

/** Where a suppression was written: in the template itself, or in the config file. */
export type SuppressionOrigin = "inSource" | "external";

/** One suppression, whatever wrote it. `ruleIds` empty means "any rule" (only with a fingerprint). */
export interface Suppression {
  origin: SuppressionOrigin;
  ruleIds: string[];
  reason: string | null;
  owner: string | null;
  /** Last day the suppression holds (inclusive), `YYYY-MM-DD`; null for no expiry. */
  until: string | null;
  /** Where it is written, for people: `infra/app.yaml:12` or `.threatline.yaml suppressions[0]`. */
  source: string;
  /** Inline: the file and the lines it covers (its own line when it trails code, else the next code line). */
  file?: string;
  lines?: number[];
  /** Config: narrow by file glob, resource id or the exact fingerprint. */
  pathGlob?: string;
  resource?: string;
  fingerprint?: string;
}

/** A comment the parser could not read: said to the user, never silently ignored. */
export interface SuppressionProblem {
  file: string;
  line: number;
  message: string;
}

const MARKER = "threatline:ignore";
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Comment markers by file type: YAML `#`, HCL `#` and `//`; JSON has no comments (use the config file). */
function commentMarkers(file: SourceFile): string[] {
  const lower = file.path.toLowerCase();
  if (lower.endsWith(".tf") || lower.endsWith(".hcl")) return ["#", "//"];
  if (lower.endsWith(".json") || /^\s*[[{]/.test(file.content)) return [];
  return ["#"];
}

/** A real calendar date in `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Splits `TL-A,TL-B reason="a b" until=2027-01-01` into the ids and the key/value pairs. */
function parseDirective(text: string): { ids: string[]; pairs: Array<[string, string]>; error?: string } {
  const rest = text.trim();
  const idsMatch = /^(\S+)/.exec(rest);
  if (!idsMatch || idsMatch[1]!.includes("="))
    return { ids: [], pairs: [], error: `${MARKER} needs the rule id(s) to ignore, e.g. ${MARKER} TL-AWS-S3-001` };
  const ids = idsMatch[1]!.split(",").filter((id) => id !== "");
  const bad = ids.find((id) => !RULE_ID.test(id));
  if (bad !== undefined || ids.length === 0)
    return { ids: [], pairs: [], error: `'${idsMatch[1]}' is not a rule id list` };
  const pairs: Array<[string, string]> = [];
  const pair = /\s*([A-Za-z_-]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/y;
  let at = idsMatch[1]!.length;
  while (at < rest.length) {
    if (/^\s*$/.test(rest.slice(at))) break;
    pair.lastIndex = at;
    const m = pair.exec(rest);
    if (!m) return { ids, pairs, error: `cannot read '${rest.slice(at).trim()}': write key="value"` };
    pairs.push([m[1]!, m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!]);
    at = pair.lastIndex;
  }
  return { ids, pairs };
}

/**
 * Reads the `threatline:ignore` comments of one template. A comment on its own line covers the next line
 * that is not a comment (the resource or property below it); a comment after code covers its own line.
 */
export function findInlineSuppressions(file: SourceFile): {
  suppressions: Suppression[];
  problems: SuppressionProblem[];
} {
  const markers = commentMarkers(file);
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  if (markers.length === 0 || !file.content.includes(MARKER)) return { suppressions, problems };
  const lines = file.content.split(/\r?\n/);
  const isCommentOnly = (text: string): boolean => markers.some((m) => text.trimStart().startsWith(m));
  // Quotes are not tracked (a YAML plain scalar may hold an apostrophe): only a comment marker right before
  // `threatline:ignore`, at the line start or after a space, counts.
  const directiveStart = (text: string, ms: readonly string[]): { start: number; comment: string } | null => {
    const at = text.indexOf(MARKER);
    if (at < 0) return null;
    const before = text.slice(0, at).replace(/\s+$/, "");
    const marker = ms.find((m) => before.endsWith(m));
    if (!marker) return null;
    const start = before.length - marker.length;
    if (start > 0 && !/\s/.test(text[start - 1]!)) return null;
    return { start, comment: text.slice(at) };
  };
  for (const [index, text] of lines.entries()) {
    const found = directiveStart(text, markers);
    if (!found) continue;
    const { start, comment } = found;
    const lineNo = index + 1;
    const problem = (message: string): void => {
      problems.push({ file: file.path, line: lineNo, message });
    };
    const parsed = parseDirective(comment.slice(MARKER.length));
    if (parsed.error) {
      problem(parsed.error);
      continue;
    }
    let reason: string | null = null;
    let until: string | null = null;
    let owner: string | null = null;
    let ok = true;
    for (const [key, value] of parsed.pairs) {
      if (key === "reason") reason = value;
      else if (key === "owner") owner = value;
      else if (key === "until") {
        if (!isIsoDate(value)) {
          problem(`until=${value} is not a date: write until=YYYY-MM-DD`);
          ok = false;
        }
        until = value;
      } else {
        problem(`unknown key '${key}' (use reason="…", until=YYYY-MM-DD, owner=…)`);
        ok = false;
      }
    }
    if (!ok) continue;
    let target = lineNo;
    if (text.slice(0, start).trim() === "") {
      let next = index + 1;
      while (next < lines.length && (isCommentOnly(lines[next]!) || lines[next]!.trim() === "")) next += 1;
      if (next >= lines.length) {
        problem(`${MARKER} at the end of the file covers nothing`);
        continue;
      }
      target = next + 1;
    }
    suppressions.push({
      origin: "inSource",
      ruleIds: parsed.ids,
      reason,
      owner,
      until,
      source: `${file.path}:${lineNo}`,
      file: file.path,
      lines: [target],
    });
  }
  return { suppressions, problems };
}

/** A `*`/`**`/`?` glob as a RegExp over forward-slash paths (`**` spans folders, `*` does not). */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i]!;
    if (ch === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else out += /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
  }
  // A glob without a slash matches the name at any depth, as .gitignore does.
  return new RegExp(glob.includes("/") ? `^${out.replace(/^\\\.\//, "")}$` : `(?:^|/)${out}$`);
}

/** Whether a forward-slash path matches a glob (see globToRegExp). */
export function matchesGlob(file: string, glob: string): boolean {
  return globToRegExp(glob.replace(/^\.\//, "")).test(file.replace(/^\.\//, ""));
}

/** The lines of its own file a threat shows on: the primary resource's declaration and its evidence. */
function threatLines(threat: Threat): { file: string; lines: Set<number> } | null {
  const primary = threat.resources[0];
  if (!primary) return null;
  const lines = new Set<number>();
  if (primary.line !== null) lines.add(primary.line);
  for (const e of threat.evidence) if (e.file === primary.file && e.line !== null) lines.add(e.line);
  return { file: primary.file, lines };
}

/** Maps a threat's file to the frame a config's path globs are written in (the config file's folder). */
export type PathFrame = (file: string) => string;

/** Whether a suppression is about this threat (expiry aside). */
export function suppressionMatches(
  suppression: Suppression,
  threat: Threat,
  pathOf: PathFrame = (file) => file,
): boolean {
  // A threat several rules merged into (one weakness) is suppressed when every one of its rules is named.
  const rules = [threat.ruleId ?? "", ...(threat.contributingRules ?? []).map((c) => c.ruleId)];
  if (suppression.ruleIds.length > 0 && !rules.every((id) => suppression.ruleIds.includes(id))) return false;
  if (suppression.fingerprint !== undefined && suppression.fingerprint !== threat.fingerprint) return false;
  const where = threatLines(threat);
  if (suppression.origin === "inSource") {
    if (!where || where.file !== suppression.file) return false;
    return (suppression.lines ?? []).some((l) => where.lines.has(l));
  }
  if (suppression.resource !== undefined && !threat.resources.some((r) => r.id === suppression.resource)) return false;
  if (suppression.pathGlob !== undefined && !(where && matchesGlob(pathOf(where.file), suppression.pathGlob)))
    return false;
  return true;
}

/** A suppressed threat's record in reports: which suppression, and why. */
export interface AppliedSuppression {
  kind: SuppressionOrigin;
  ruleIds: string[];
  reason: string | null;
  owner: string | null;
  until: string | null;
  source: string;
}

/** A suppression whose date has passed: it suppresses nothing, and the threats it names are back. */
export interface ExpiredSuppression extends AppliedSuppression {
  fingerprints: string[];
}

export interface SuppressionOutcome {
  /** Suppressed threats by fingerprint. */
  suppressed: Record<string, AppliedSuppression>;
  expired: ExpiredSuppression[];
  /** Suppressions that matched no threat (stale, or a typo in the rule id). */
  unused: AppliedSuppression[];
}

function applied(s: Suppression): AppliedSuppression {
  return { kind: s.origin, ruleIds: s.ruleIds, reason: s.reason, owner: s.owner, until: s.until, source: s.source };
}

/**
 * Decides which threats the suppressions take out. A suppression holds through its `until` day and
 * stops the day after: then it suppresses nothing and is listed as expired with the threats it named.
 * In-source suppressions are looked at before the config's, so a threat shows the one nearest its code.
 */
export function applySuppressions(
  threats: readonly Threat[],
  suppressions: readonly Suppression[],
  today: string,
  pathOf?: PathFrame,
): SuppressionOutcome {
  const ordered = [...suppressions].sort((a, b) => (a.origin === b.origin ? 0 : a.origin === "inSource" ? -1 : 1));
  const suppressed: Record<string, AppliedSuppression> = {};
  const expired: ExpiredSuppression[] = [];
  const unused: AppliedSuppression[] = [];
  for (const s of ordered) {
    const hits = threats.filter((t) => suppressionMatches(s, t, pathOf));
    if (s.until !== null && s.until < today) {
      expired.push({ ...applied(s), fingerprints: hits.map((t) => t.fingerprint) });
      continue;
    }
    if (hits.length === 0) unused.push(applied(s));
    for (const t of hits) suppressed[t.fingerprint] ??= applied(s);
  }
  return { suppressed, expired, unused };
}
