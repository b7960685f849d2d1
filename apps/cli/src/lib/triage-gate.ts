import { CLOSED_TRIAGE, type Threat, type TriageDto, type TriageStatus } from "@threatline/domain";

/** A threat the server's triage took out of the gate, with the decision that did it. */
export interface SkippedThreat {
  threat: Threat;
  triage: TriageDto;
}

export interface TriageGate {
  /** Threats the gate counts: open, or accepted with an expiry that has passed. */
  counted: Threat[];
  /** Threats closed by triage (accepted, mitigated, false positive). */
  skipped: SkippedThreat[];
  /** Acceptances past their expiry: the threat counts again. */
  expired: SkippedThreat[];
}

/**
 * Applies a project's triage to a CI gate: accepted, mitigated and false-positive threats (the statuses
 * that take a threat out of the project's risk) do not fail it. An acceptance holds until its expiry;
 * after that the threat counts again, and the caller says so.
 */
export function applyTriage(threats: readonly Threat[], triage: readonly TriageDto[], now: Date): TriageGate {
  const byFingerprint = new Map(triage.map((t) => [t.fingerprint, t]));
  const gate: TriageGate = { counted: [], skipped: [], expired: [] };
  for (const threat of threats) {
    const decision = byFingerprint.get(threat.fingerprint);
    if (!decision || !CLOSED_TRIAGE.includes(decision.status)) {
      gate.counted.push(threat);
    } else if (
      decision.status === "accepted" &&
      decision.expiresAt !== null &&
      new Date(decision.expiresAt).getTime() <= now.getTime()
    ) {
      gate.expired.push({ threat, triage: decision });
      gate.counted.push(threat);
    } else {
      gate.skipped.push({ threat, triage: decision });
    }
  }
  return gate;
}

const LABELS: Record<TriageStatus, string> = {
  open: "open",
  accepted: "accepted",
  mitigated: "mitigated",
  false_positive: "false positive",
};

/** One line per skipped threat: what, where, and who decided until when. */
export function describeSkipped(s: SkippedThreat): string {
  const r = s.threat.resources[0];
  const who = [
    s.triage.owner ? `by ${s.triage.owner}` : "",
    s.triage.expiresAt ? `until ${s.triage.expiresAt.slice(0, 10)}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return `${LABELS[s.triage.status]}${who ? ` (${who})` : ""}: ${s.threat.severity} ${s.threat.title} — ${r ? `${r.id}, ${r.file}` : ""}`;
}
