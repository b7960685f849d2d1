/** Everything the fake can do wrong, on purpose. */
export const FAULT_KINDS = [
  "429",
  "notready",
  "503",
  "500",
  "400",
  "408",
  "424",
  "cut",
  "malformed",
  "invalid",
  "slow",
  "drop",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  /** Probability per Converse request, drawn from a seeded generator so a run can be replayed. */
  rates: Partial<Record<FaultKind, number>>;
  /** Faults at given 1-based Converse request numbers (counted since the last reset). */
  at: Map<number, FaultKind>;
}

function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/**
 * Reads a fault script: comma-separated `kind:rate` (`503:0.02`) and `kind@n` (`cut@3`, the third request).
 * Kinds: 429 (ThrottlingException), notready (ModelNotReadyException), 503, 500, 400, 408, 424, cut
 * (`stopReason: max_tokens`), malformed (tool input that is not the schema's object), invalid (schema-invalid
 * threats), slow (answer after `slowMs`), drop (the socket is destroyed).
 */
export function parseFaults(spec: string | undefined): FaultPlan {
  const plan: FaultPlan = { rates: {}, at: new Map() };
  if (!spec) return plan;
  for (const raw of spec.split(",")) {
    const part = raw.trim();
    if (!part) continue;
    const at = /^([a-z0-9]+)@(\d+)$/.exec(part);
    const rate = /^([a-z0-9]+):([0-9.]+)$/.exec(part);
    if (at && isFaultKind(at[1]!)) {
      plan.at.set(Number(at[2]), at[1]);
    } else if (rate && isFaultKind(rate[1]!) && Number(rate[2]) >= 0 && Number(rate[2]) <= 1) {
      plan.rates[rate[1]] = Number(rate[2]);
    } else {
      throw new Error(`Unknown fault "${part}": use kind:rate or kind@n with kind one of ${FAULT_KINDS.join(", ")}`);
    }
  }
  return plan;
}

/** The fault for the n-th request, if any: scripted numbers win over rates. */
export function pickFault(plan: FaultPlan, requestNumber: number, random: () => number): FaultKind | null {
  const scripted = plan.at.get(requestNumber);
  if (scripted) return scripted;
  for (const kind of FAULT_KINDS) {
    const rate = plan.rates[kind];
    if (rate && random() < rate) return kind;
  }
  return null;
}
