import {
  SEVERITIES,
  SEVERITY_COLORS,
  STRIDE_CATEGORIES,
  STRIDE_LABELS,
  type Severity,
  type Threat,
} from "@threatline/domain";
import { reportTitle } from "./markdown.ts";
import {
  MITIGATION_STATUS_LABELS,
  hygieneByFile,
  isHygiene,
  mitigatedByRecords,
  mitigationsOfThreat,
  summarize,
  threatsByCategory,
  triageStatusOf,
  warningLocation,
  type ReportInput,
  type ReportMitigation,
} from "./report.ts";
import { SEVERITY_LABELS, escapeHtml as h, plural } from "./text.ts";

const STYLE = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1000px; padding: 32px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 6px; }
.muted { color: var(--muted); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 110px; }
.card b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
.scroll { overflow-x: auto; max-width: 100%; }
.scroll table { min-width: 560px; }
code { overflow-wrap: anywhere; word-break: break-word; background: #f3f4f6; border-radius: 4px; padding: 0 3px; }
pre code { background: none; padding: 0; }
.chart-narrow { display: none; }
@media (max-width: 640px) {
  body { padding: 12px; }
  .chart-wide { display: none; }
  .chart-narrow { display: block; }
  .threat { padding: 10px 12px; }
  .threat dl { grid-template-columns: 1fr; }
  .threat dt { margin-top: 6px; }
  .card { min-width: 0; flex: 1 1 40%; }
}
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 8px; border-radius: 999px; color: #fff; font-size: 12px; font-weight: 600; }
.threat { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
.threat dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
.threat dt { color: var(--muted); }
.threat dd { margin: 0; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f3f4f6; border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.legend span { margin-right: 12px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  @page { size: A4; margin: 16mm 14mm; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .threat, table, svg { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; }
  .scroll { overflow: visible; }
  .scroll table { min-width: 0; }
  .chart-wide { display: block; }
  .chart-narrow { display: none; }
  details { display: block; }
  details > summary { list-style: none; font-weight: 600; }
  .sev, .legend i, rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

function badge(severity: Severity): string {
  return `<span class="sev" style="background:${SEVERITY_COLORS[severity]}">${SEVERITY_LABELS[severity]}</span>`;
}

/**
 * Horizontal stacked bars, one per STRIDE category, one segment per severity. Drawn by hand so the report
 * needs no script and no network, and prints as vectors.
 */
export function strideSeverityChart(
  threats: readonly Pick<Threat, "category" | "severity">[],
  layout: "wide" | "narrow" = "wide",
): string {
  // Narrow (phones): labels above the bars and a drawing about as wide as the screen, so 12px text stays 12px.
  const narrow = layout === "narrow";
  const labelWidth = narrow ? 0 : 170;
  const barWidth = narrow ? 300 : 480;
  const rowHeight = narrow ? 44 : 28;
  const barTop = narrow ? 20 : 4;
  const top = 8;
  const height = top + STRIDE_CATEGORIES.length * rowHeight + 8;
  const width = labelWidth + barWidth + (narrow ? 40 : 60);
  const totals = STRIDE_CATEGORIES.map((c) => threats.filter((t) => t.category === c).length);
  const max = Math.max(1, ...totals);
  const rows = STRIDE_CATEGORIES.map((category, i) => {
    const y = top + i * rowHeight;
    let x = labelWidth;
    const segments = SEVERITIES.map((severity) => {
      const count = threats.filter((t) => t.category === category && t.severity === severity).length;
      if (count === 0) return "";
      const w = (count / max) * barWidth;
      const rect = `<rect x="${x.toFixed(1)}" y="${y + barTop}" width="${w.toFixed(1)}" height="${narrow ? 18 : rowHeight - 8}" fill="${SEVERITY_COLORS[severity]}" data-category="${category}" data-severity="${severity}" data-count="${count}"><title>${h(`${STRIDE_LABELS[category]} · ${SEVERITY_LABELS[severity]}: ${count}`)}</title></rect>`;
      x += w;
      return rect;
    }).join("");
    const label = narrow
      ? `<text x="0" y="${y + 14}" font-size="12" fill="#111827">${h(STRIDE_LABELS[category])}</text>`
      : `<text x="${labelWidth - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end" font-size="12" fill="#111827">${h(STRIDE_LABELS[category])}</text>`;
    const countY = narrow ? y + barTop + 13 : y + rowHeight / 2 + 4;
    return (
      label +
      `<line x1="${labelWidth}" x2="${labelWidth}" y1="${y + (narrow ? barTop : 0)}" y2="${y + rowHeight - (narrow ? 6 : 0)}" stroke="#e5e7eb"/>` +
      segments +
      `<text x="${(x + 6).toFixed(1)}" y="${countY}" font-size="12" fill="#6b7280">${totals[i]}</text>`
    );
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Threats by STRIDE category and severity" viewBox="0 0 ${width} ${height}" width="100%" class="chart-${layout}" style="max-width:${width}px">${rows}</svg>`;
}

/** Escaped text with `inline code` shown as code, as in Markdown (rule and model text use backticks). */
export function inlineCode(text: string): string {
  return h(text).replace(/`([^`\n]+)`/g, "<code>$1</code>");
}

function mitigationHtml(m: ReportMitigation): string {
  return `${inlineCode(m.title)} <span class="muted">${h(MITIGATION_STATUS_LABELS[m.status])}${m.owner ? ` · ${h(m.owner)}` : ""}</span>${m.ticketUrl ? ` · ${h(m.ticketUrl)}` : ""}`;
}

function threatBlock(threat: Threat, input: ReportInput): string {
  const triage = input.triage[threat.fingerprint];
  const rows: string[] = [];
  rows.push(`<dt>Score</dt><dd>${threat.score} (likelihood ${threat.likelihood} × impact ${threat.impact})</dd>`);
  rows.push(
    `<dt>Triage</dt><dd>${h(triageStatusOf(input, threat).replace("_", " "))}${triage?.owner ? ` · ${h(triage.owner)}` : ""}${triage?.expiresAt ? ` · until ${h(triage.expiresAt)}` : ""}${triage?.note ? ` — ${h(triage.note)}` : ""}</dd>`,
  );
  if (mitigatedByRecords(input, threat)) rows.push(`<dt>Status</dt><dd>mitigated (its mitigations are done)</dd>`);
  const records = mitigationsOfThreat(input, threat);
  if (records.length > 0)
    rows.push(`<dt>Mitigations</dt><dd>${records.map((m) => mitigationHtml(m)).join("<br>")}</dd>`);
  rows.push(`<dt>Source</dt><dd>${h(threat.source)}${threat.ruleId ? ` · <code>${h(threat.ruleId)}</code>` : ""}</dd>`);
  if (threat.contributingRules && threat.contributingRules.length > 0) {
    rows.push(
      `<dt>Also reported by</dt><dd>${threat.contributingRules.map((c) => `<code>${h(c.ruleId)}</code> ${h(c.title)}`).join("<br>")}</dd>`,
    );
  }
  if (threat.resources.length > 0) {
    rows.push(
      `<dt>Resources</dt><dd>${threat.resources.map((r) => `<code>${h(r.id)}</code> <span class="muted">${h(r.type)} · ${h(r.file)}${r.line ? `:${r.line}` : ""}</span>`).join("<br>")}</dd>`,
    );
  }
  if (threat.evidence.length > 0) {
    rows.push(
      `<dt>Evidence</dt><dd>${threat.evidence.map((e) => `${h(e.file)}${e.line ? `:${e.line}` : ""}${e.path ? ` <code>${h(e.path)}</code>` : ""}`).join("<br>")}</dd>`,
    );
  }
  const refs = [...threat.references.cwe, ...threat.references.capec, ...threat.references.attack];
  if (refs.length > 0) rows.push(`<dt>References</dt><dd>${refs.map(h).join(", ")}</dd>`);
  rows.push(`<dt>Fingerprint</dt><dd><code>${h(threat.fingerprint)}</code></dd>`);
  const remediations = threat.remediations
    .map((r) => `<li>${inlineCode(r.text)}${r.fix ? `<pre><code>${h(r.fix)}</code></pre>` : ""}</li>`)
    .join("");
  return (
    `<article class="threat"><h3>${badge(threat.severity)} ${inlineCode(threat.title)}</h3>` +
    // A merged threat's description is one paragraph per contributing rule, separated by a blank line.
    threat.description
      .split(/\n{2,}/)
      .filter((p) => p.trim())
      .map((p) => `<p>${inlineCode(p)}</p>`)
      .join("") +
    `<dl>${rows.join("")}</dl>` +
    (remediations ? `<strong>Remediation</strong><ul>${remediations}</ul>` : "") +
    `</article>`
  );
}

/**
 * A self-contained HTML report (no script, no external resource) that prints to PDF: summary cards, the
 * STRIDE × severity chart, the file table and every threat with evidence and fixes. All model and
 * template text is escaped.
 */
export function renderHtml(input: ReportInput): string {
  const summary = summarize(input);
  const title = reportTitle(input);
  const cards = [
    ["Threats", summary.threatCount],
    ["Open", summary.openCount],
    ["Risk score", summary.riskScore],
    ...SEVERITIES.map((s) => [SEVERITY_LABELS[s], summary.bySeverity[s]] as const),
  ]
    .map(([label, value]) => `<div class="card"><span class="muted">${h(String(label))}</span><b>${value}</b></div>`)
    .join("");
  const legend = SEVERITIES.map(
    (s) => `<span><i style="background:${SEVERITY_COLORS[s]}"></i>${SEVERITY_LABELS[s]}</span>`,
  ).join("");
  const files = input.files
    .map(
      (f) =>
        `<tr><td>${h(f.path)}</td><td>${h(f.format ?? "—")}</td><td class="n">${f.resources}</td><td>${h(f.status ?? (f.error ? "error" : "ok"))}${f.error ? ` <span class="muted">${h(f.error.code)}: ${h(f.error.message)}</span>` : ""}</td></tr>`,
    )
    .join("");
  // Real risks one by one; low and info grouped per file underneath (docs/severity.md).
  const hygiene = hygieneByFile(input.threats);
  const hygieneCount = hygiene.reduce((n, [, list]) => n + list.length, 0);
  const hygieneSection =
    hygieneCount === 0
      ? ""
      : `<section class="hygiene"><h2>Low and info, by file (${hygieneCount})</h2>${hygiene
          .map(
            ([file, list]) =>
              `<details><summary>${list.length} low/info hygiene finding${list.length === 1 ? "" : "s"} in ${h(file || "(no file)")}</summary>${list.map((t) => threatBlock(t, input)).join("")}</details>`,
          )
          .join("")}</section>`;
  const titles = new Map(input.threats.map((t) => [t.fingerprint, t.title]));
  const records = input.mitigations ?? [];
  const mitigationsSection =
    records.length === 0
      ? ""
      : `<h2>Mitigations (${records.length})</h2><div class="scroll"><table><thead><tr><th>Mitigation</th><th>Status</th><th>Owner</th><th>Ticket</th><th>Threats</th></tr></thead><tbody>${records
          .map(
            (m) =>
              `<tr><td>${inlineCode(m.title)}</td><td>${h(MITIGATION_STATUS_LABELS[m.status])}</td><td>${h(m.owner ?? "—")}</td><td>${m.ticketUrl ? h(m.ticketUrl) : "—"}</td><td>${m.fingerprints.map((f) => inlineCode(titles.get(f) ?? f)).join("<br>") || "—"}</td></tr>`,
          )
          .join("")}</tbody></table></div>`;
  const lenient = input.files.flatMap((f) => (f.warnings ?? []).map((w) => [f.path, w] as const));
  const warningsSection =
    lenient.length === 0
      ? ""
      : `<section class="warnings"><h2>Read leniently (${lenient.length})</h2><p class="muted">The parser accepted these and the files' threats stand; check that the file says what was meant.</p><ul>${lenient
          .map(
            ([path, w]) =>
              `<li><code>${h(warningLocation(path, w))}</code> <span class="muted">${h(w.code)}</span> ${h(w.message)}</li>`,
          )
          .join("")}</ul></section>`;
  const sections = threatsByCategory(input.threats.filter((t) => !isHygiene(t)))
    .filter(([, list]) => list.length > 0)
    .map(
      ([category, list]) =>
        `<section><h2>${h(STRIDE_LABELS[category])} (${list.length})</h2>${list.map((t) => threatBlock(t, input)).join("")}</section>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${h(title)}</h1><div class="muted">Generated ${h(input.generatedAt)} by ${h(input.tool.name)} ${h(input.tool.version)} · ${plural(input.files.length, "file")}</div></header>
<div class="cards">${cards}</div>
<h2>Threats by STRIDE category and severity</h2>
${strideSeverityChart(input.threats)}${strideSeverityChart(input.threats, "narrow")}
<div class="legend muted">${legend}</div>
${input.files.length > 0 ? `<h2>Files</h2><div class="scroll"><table><thead><tr><th>File</th><th>Format</th><th class="n">Resources</th><th>Status</th></tr></thead><tbody>${files}</tbody></table></div>` : ""}
${mitigationsSection}
${warningsSection}
${sections || hygieneSection ? `${sections}${hygieneSection}` : "<p>No threats found.</p>"}
</body>
</html>
`;
}
