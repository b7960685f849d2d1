import {
  STRIDE_LABELS,
  type AnalysisStatus,
  type MitigationStatus,
  type Severity,
  type StrideCategory,
  type TriageStatus,
} from "@threatline/domain";

/** The one severity palette, shared with the HTML report (packages/domain). */
export { SEVERITY_COLORS } from "@threatline/domain";

export const SEVERITY_TAG: Record<Severity, "error" | "warning" | "info" | "default"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "info",
  info: "default",
};

export const STATUS_TAG: Record<AnalysisStatus, "default" | "info" | "success" | "warning" | "error"> = {
  queued: "default",
  running: "info",
  succeeded: "success",
  partial: "warning",
  failed: "error",
  canceled: "default",
};

export const TRIAGE_LABELS: Record<TriageStatus, string> = {
  open: "Open",
  accepted: "Accepted",
  mitigated: "Mitigated",
  false_positive: "False positive",
};

export const MITIGATION_LABELS: Record<MitigationStatus, string> = {
  identified: "Identified",
  in_progress: "In progress",
  done: "Done",
  wont_do: "Won't do",
};

export function strideLabel(category: StrideCategory): string {
  return STRIDE_LABELS[category];
}

/** A risk number as people read it: no decimals for large values, one below 10. */
export function formatRisk(value: number): string {
  return value >= 10 || Number.isInteger(value) ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
}

export function formatUsd(value: number): string {
  return value < 0.01 && value > 0 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** "3 min ago", "2 d ago"; absolute dates past a month. */
export function formatRelative(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "never";
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 31) return `${days} d ago`;
  return then.toISOString().slice(0, 10);
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** Change between the first and the last value of a series, with its direction. */
export function trendOf(series: readonly number[]): { delta: number; direction: "up" | "down" | "flat" } {
  const first = series[0] ?? 0;
  const last = series.at(-1) ?? 0;
  const delta = last - first;
  return { delta, direction: delta > 0 ? "up" : delta < 0 ? "down" : "flat" };
}

/**
 * A count with its noun in the right number: "1 project", "3 projects", "0 threats". The plural is the noun
 * with an "s" unless given.
 */
const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** Names and paths in the order people expect: "alpha", "Beta", "gamma" (case-insensitive, "file2" before "file10"). */
export function compareText(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? noun : pluralNoun}`;
}
