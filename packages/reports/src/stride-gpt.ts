import { z } from "zod";
import { parseStrideCategory, type StrideCategory } from "@threatline/domain";
import { invalid, toThreats, type Draft, type ImportOptions, type ImportResult } from "./import-common.ts";

/**
 * STRIDE GPT (mrwadams/stride-gpt) output: the web app's JSON answer (`{ threat_model: [...],
 * improvement_suggestions: [...] }`), the agent's JSON report (`{ subsystems: [{ name, threats }],
 * cross_cutting_threats }`), and the Markdown both render (tables headed `| Threat Type | Scenario | Potential
 * Impact |`, optionally followed by OWASP LLM, OWASP ASI, Insider Category, MITRE ATT&CK and Affected Subsystems
 * columns). STRIDE GPT gives no severity: every threat comes in as medium, which the import says.
 */

const SgThreatSchema = z
  .object({
    "Threat Type": z.string(),
    Scenario: z.string().default(""),
    "Potential Impact": z.string().default(""),
    OWASP_LLM: z.string().nullish(),
    OWASP_ASI: z.string().nullish(),
  })
  .loose();
type SgThreat = z.infer<typeof SgThreatSchema>;

const WebSchema = z.object({ threat_model: z.array(SgThreatSchema) }).loose();
const AgentSchema = z
  .object({
    subsystems: z.array(z.object({ name: z.string(), threats: z.array(SgThreatSchema).default([]) }).loose()),
    cross_cutting_threats: z.array(SgThreatSchema).default([]),
  })
  .loose();

/** Whether a parsed JSON value is STRIDE GPT output. */
export function isStrideGptJson(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.threat_model) || (Array.isArray(v.subsystems) && "cross_cutting_threats" in v);
}

/** Whether a text is STRIDE GPT's Markdown (a table with its three base columns). */
export function isStrideGptMarkdown(text: string): boolean {
  return /^\s*\|\s*Threat Type\s*\|\s*Scenario\s*\|\s*Potential Impact\s*\|/m.test(text);
}

/** The title of a threat: its scenario's first clause, as STRIDE GPT gives none. */
function titleOf(category: StrideCategory, scenario: string): string {
  const first =
    scenario
      .replace(/\s+/g, " ")
      .trim()
      .split(/(?<=[.!?])\s/)[0] ?? "";
  const sentence = first.replace(/[.!?]$/, "");
  if (sentence.length <= 120) return sentence || `${category} threat`;
  // Cut at a word, not inside one.
  return `${sentence.slice(0, 119).replace(/[\s,;:]+\S*$/, "")}…`;
}

function draftOf(
  t: SgThreat,
  area: string | null,
  at: string,
  where: string,
  warnings: string[],
  sourceName: string,
): Draft {
  let category = parseStrideCategory(t["Threat Type"]);
  if (!category) {
    category = "Tampering";
    warnings.push(`${where}: threat type '${t["Threat Type"]}' is not a STRIDE category; imported as Tampering.`);
  }
  const refs = [t.OWASP_LLM, t.OWASP_ASI].filter(
    (r): r is string => typeof r === "string" && r.trim().length > 0 && r !== "-",
  );
  const impact = t["Potential Impact"].trim();
  return {
    category,
    title: titleOf(category, t.Scenario),
    description: [
      t.Scenario.trim(),
      impact ? `Potential impact: ${impact}` : "",
      refs.length > 0 ? `OWASP: ${refs.join(", ")}` : "",
    ]
      .filter((s) => s.length > 0)
      .join("\n\n"),
    severity: "medium",
    remediations: [],
    resources: area ? [{ id: area, type: "stride-gpt.subsystem", file: sourceName, line: null }] : [],
    at,
  };
}

function result(drafts: Draft[], warnings: string[], options: ImportOptions, name: string | null): ImportResult {
  if (drafts.length > 0) warnings.push(`STRIDE GPT gives no severity: ${drafts.length} threat(s) imported as medium.`);
  return { format: "stride-gpt", threats: toThreats(drafts, options.sourceName), triage: {}, warnings, name };
}

/** Reads STRIDE GPT's JSON (web app answer or agent report). */
export function importStrideGptJson(value: unknown, options: ImportOptions): ImportResult {
  const warnings: string[] = [];
  const web = WebSchema.safeParse(value);
  if (web.success) {
    const drafts = web.data.threat_model.map((t, i) =>
      draftOf(t, null, `threat_model[${i}]`, `threat ${i + 1}`, warnings, options.sourceName),
    );
    return result(drafts, warnings, options, null);
  }
  const agent = AgentSchema.safeParse(value);
  if (!agent.success) throw invalid("Not STRIDE GPT output.", z.treeifyError(web.error));
  const drafts = agent.data.subsystems.flatMap((s, si) =>
    s.threats.map((t, i) =>
      draftOf(t, s.name, `subsystems[${si}].threats[${i}]`, `${s.name}, threat ${i + 1}`, warnings, options.sourceName),
    ),
  );
  agent.data.cross_cutting_threats.forEach((t, i) =>
    drafts.push(
      draftOf(t, null, `cross_cutting_threats[${i}]`, `cross-cutting threat ${i + 1}`, warnings, options.sourceName),
    ),
  );
  const target = (value as { target?: unknown }).target;
  return result(drafts, warnings, options, typeof target === "string" ? target.split("/").pop() || null : null);
}

/** Splits a Markdown table row into cells, honouring STRIDE GPT's `\|` escapes. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

/**
 * Reads STRIDE GPT's Markdown: every table headed Threat Type | Scenario | Potential Impact, with the `##` heading
 * above an agent report's table as the subsystem (not for "Threat Model" and "Cross-Cutting Threats").
 */
export function importStrideGptMarkdown(text: string, options: ImportOptions): ImportResult {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const warnings: string[] = [];
  const drafts: Draft[] = [];
  let section: string | null = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) section = /^(threat model|cross-cutting threats)$/i.test(heading[1]!) ? null : heading[1]!;
    if (!isStrideGptMarkdown(line)) continue;
    const header = cells(line).map((h) => h.toLowerCase());
    const col = (name: string) => header.indexOf(name);
    i += 1; // the |---| separator
    for (i += 1; i < lines.length && /^\s*\|/.test(lines[i]!); i += 1) {
      const row = cells(lines[i]!);
      const get = (name: string) => (col(name) >= 0 ? (row[col(name)] ?? "") : "");
      drafts.push(
        draftOf(
          {
            "Threat Type": get("threat type"),
            Scenario: get("scenario"),
            "Potential Impact": get("potential impact"),
            OWASP_LLM: get("owasp llm") || null,
            OWASP_ASI: get("owasp asi") || null,
          },
          section,
          `line ${i + 1}`,
          `line ${i + 1}`,
          warnings,
          options.sourceName,
        ),
      );
    }
    i -= 1;
  }
  if (drafts.length === 0)
    throw invalid("No STRIDE GPT threat table (| Threat Type | Scenario | Potential Impact |) found.");
  const title = /^#\s+STRIDE Threat Model:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? null;
  return result(drafts, warnings, options, title);
}
