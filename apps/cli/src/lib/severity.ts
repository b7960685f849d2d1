import { SEVERITIES, type Severity, type Threat, severityRank } from "@threatline/domain";
import { UsageError } from "./files.ts";

/** Parses a `--fail-on` value; any case is accepted. */
export function parseSeverity(value: string): Severity {
  const lower = value.toLowerCase();
  const found = SEVERITIES.find((s) => s === lower);
  if (!found) throw new UsageError(`Unknown severity '${value}': use one of ${SEVERITIES.join(", ")}.`);
  return found;
}

/** Threats at or above the threshold (critical is the highest). */
export function atOrAbove(threats: readonly Pick<Threat, "severity">[], threshold: Severity): number {
  return threats.filter((t) => severityRank(t.severity) <= severityRank(threshold)).length;
}
