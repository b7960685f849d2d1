import { STRIDE_CATEGORIES, type Severity, type StrideCategory, type Threat } from "@threatline/domain";
import { pythonJsonDumps, type PyJson } from "./python-json.ts";
import type { ReportInput } from "./report.ts";

/** The prototype ("Threat Modeling Mate") had three priorities. */
export type PrototypePriority = "High" | "Medium" | "Low";

export interface PrototypeThreat {
  description: string;
  priority: PrototypePriority;
  remediations: string[];
}

export type PrototypeModel = Record<StrideCategory, Record<string, PrototypeThreat>>;

export function prototypePriority(severity: Severity): PrototypePriority {
  switch (severity) {
    case "critical":
    case "high":
      return "High";
    case "medium":
      return "Medium";
    case "low":
    case "info":
      return "Low";
  }
}

/**
 * The prototype's model: threats keyed by title within each category, so titles are made unique with a
 * ` (2)`, ` (3)` … suffix in input order (the same rule firing on several resources gives one title).
 */
export function toPrototypeModel(threats: readonly Threat[]): PrototypeModel {
  // Null-prototype buckets: a threat titled `__proto__` is a key like any other.
  const model = Object.fromEntries(
    STRIDE_CATEGORIES.map((c) => [c, Object.create(null) as Record<string, PrototypeThreat>]),
  ) as PrototypeModel;
  for (const threat of threats) {
    const bucket = model[threat.category];
    let title = threat.title;
    for (let n = 2; Object.hasOwn(bucket, title); n += 1) title = `${threat.title} (${n})`;
    bucket[title] = {
      description: threat.description,
      priority: prototypePriority(threat.severity),
      remediations: threat.remediations.map((r) => r.text),
    };
  }
  return model;
}

/**
 * The prototype-compatible JSON download, byte for byte as the prototype wrote it (Python's
 * `json.dumps(obj, indent=4)`: ASCII-only, no trailing newline).
 */
export function renderPrototypeJson(input: Pick<ReportInput, "threats">): string {
  return pythonJsonDumps(toPrototypeModel(input.threats) as unknown as PyJson, 4);
}
