import type { Severity } from "@threatline/domain";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes Markdown inline syntax (and raw HTML) so that model and template text renders as text. */
export function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_{}[\]<>#|!~]/g, "\\$&").replace(/\r?\n/g, " ");
}

/** A fence longer than any run of backticks inside, so a snippet can never close its own block. */
export function codeFence(content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

/** The language to highlight a fix snippet in, from the template it fixes. */
export function snippetLanguage(file: string | undefined): string {
  if (!file) return "";
  if (/\.tf$/i.test(file)) return "hcl";
  if (/\.json$/i.test(file)) return "json";
  if (/\.ya?ml$|\.template$/i.test(file)) return "yaml";
  return "";
}

/** "1 file", "3 files": a count with its noun in the right number. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
};
