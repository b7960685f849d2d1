import type { EChartsCoreOption } from "echarts/core";
import {
  SEVERITIES,
  STRIDE_CATEGORIES,
  STRIDE_LABELS,
  type DashboardDto,
  type RiskPoint,
  type Severity,
  type StrideCategory,
} from "@threatline/domain";
import { SEVERITY_COLORS } from "./format.ts";

/** Options every full-size chart shares: a PNG export button named after the chart. */
function toolbox(name: string) {
  return {
    right: 8,
    feature: { saveAsImage: { name: `threatline-${name}`, title: "Save as PNG", pixelRatio: 2 } },
  };
}

const GRID = { left: 48, right: 24, top: 40, bottom: 32, containLabel: true };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A time axis in days: ticks at least a day apart, labelled with the date, spanning whole days around the points
 * (the analyses of a fresh project are seconds apart; an axis in seconds says nothing about a trend).
 */
export function dayAxis(times: readonly number[]) {
  const first = times.length ? Math.min(...times) : Date.now();
  const last = times.length ? Math.max(...times) : first;
  const start = Math.floor(first / DAY_MS) * DAY_MS;
  const end = Math.max(Math.ceil(last / DAY_MS) * DAY_MS, start + DAY_MS);
  return {
    type: "time" as const,
    min: start,
    max: end,
    minInterval: DAY_MS,
    axisLabel: { formatter: "{d} {MMM}", hideOverlap: true },
  };
}

/**
 * A project's risk over time: a step line, and a marker at each point an analysis wrote. A trend of one moment
 * (one analysis, or several seconds apart) holds its risk to the end of the axis's day, so that a level is drawn
 * and not a lone marker.
 */
export function riskTrendOption(points: readonly RiskPoint[], name = "risk-trend"): EChartsCoreOption {
  const times = points.map((p) => new Date(p.at).getTime());
  const axis = dayAxis(times);
  const line: Array<[string, number]> = points.map((p) => [p.at, p.riskScore]);
  const last = points.at(-1);
  if (last && new Set(times).size === 1) line.push([new Date(axis.max).toISOString(), last.riskScore]);
  const markers = points
    .filter((p) => p.analysisId)
    .map((p) => ({ value: [p.at, p.riskScore], analysisId: p.analysisId, path: p.path }));
  return {
    aria: { enabled: true },
    toolbox: toolbox(name),
    legend: { data: ["Risk", "Analysis"], top: 4, left: 8 },
    tooltip: { trigger: "axis" },
    grid: GRID,
    xAxis: axis,
    yAxis: { type: "value", min: 0 },
    dataZoom: [{ type: "inside" }],
    series: [
      {
        name: "Risk",
        type: "line",
        step: "end",
        showSymbol: false,
        data: line,
        areaStyle: { opacity: 0.12 },
        color: "#6366f1",
      },
      {
        name: "Analysis",
        type: "scatter",
        symbolSize: 9,
        data: markers,
        color: "#0ea5e9",
        tooltip: { trigger: "item" },
      },
    ],
  };
}

/** The team's summed risk per day. */
export function teamTrendOption(series: DashboardDto["teamRisk"]["series"]): EChartsCoreOption {
  return {
    aria: { enabled: true },
    toolbox: toolbox("team-risk"),
    legend: { data: ["Team risk"], top: 4, left: 8 },
    tooltip: { trigger: "axis" },
    grid: GRID,
    xAxis: { type: "category", data: series.map((s) => s.day), boundaryGap: false },
    yAxis: { type: "value", min: 0 },
    series: [
      {
        name: "Team risk",
        type: "line",
        data: series.map((s) => s.riskScore),
        // One day is one point: without its symbol a line of one point draws nothing.
        showSymbol: series.length === 1,
        areaStyle: { opacity: 0.15 },
        color: "#6366f1",
      },
    ],
  };
}

/**
 * Points of a sparkline in a `width` × `height` box, as an SVG `points` attribute: drawn without ECharts
 * because a table of projects would otherwise hold one canvas per row.
 */
export function sparkPoints(values: readonly number[], width: number, height: number, pad = 2): string {
  if (values.length === 0) return "";
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = pad + i * step;
      const y = height - pad - ((v - min) / span) * (height - pad * 2);
      return `${Number(x.toFixed(2))},${Number(y.toFixed(2))}`;
    })
    .join(" ");
}

/**
 * Threats per STRIDE category (rows) and severity (columns): the count in every cell, the colour by the cell's
 * severity-weighted risk (the summed scores), so three critical threats read hotter than five low ones.
 */
export function strideHeatmapOption(
  cells: ReadonlyArray<{ category: StrideCategory; severity: Severity; count: number; risk: number }>,
): EChartsCoreOption {
  const max = Math.max(1, ...cells.map((c) => c.risk));
  return {
    aria: { enabled: true },
    toolbox: toolbox("stride-heatmap"),
    tooltip: {
      position: "top",
      formatter: (p: { value: [number, number, number, number] }) =>
        `${STRIDE_LABELS[STRIDE_CATEGORIES[p.value[1]]!]} · ${SEVERITIES[p.value[0]]}: ${p.value[3]} threat${p.value[3] === 1 ? "" : "s"}, risk ${Math.round(p.value[2])}`,
    },
    grid: { left: 8, right: 24, top: 40, bottom: 64, containLabel: true },
    xAxis: { type: "category", data: [...SEVERITIES], splitArea: { show: true }, axisLabel: { interval: 0 } },
    yAxis: {
      type: "category",
      data: STRIDE_CATEGORIES.map((c) => STRIDE_LABELS[c]),
      splitArea: { show: true },
      inverse: true,
    },
    visualMap: {
      min: 0,
      max: Math.round(max),
      dimension: 2,
      text: ["risk", ""],
      calculable: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      itemHeight: 160,
      inRange: { color: ["#eef2ff", "#a5b4fc", "#4f46e5", "#b91c1c"] },
    },
    series: [
      {
        name: "Open threats",
        type: "heatmap",
        label: { show: true, formatter: (p: { value: number[] }) => String(p.value[3]) },
        // [severity, category, risk (the colour), count (the label)]
        data: cells.map((c) => [
          SEVERITIES.indexOf(c.severity),
          STRIDE_CATEGORIES.indexOf(c.category),
          c.risk,
          c.count,
        ]),
        emphasis: { itemStyle: { shadowBlur: 8 } },
      },
    ],
  };
}

/** Threats per STRIDE category, stacked by severity. */
export function strideBarOption(
  counts: ReadonlyArray<{ category: StrideCategory; severity: Severity; count: number }>,
  name = "stride-severity",
): EChartsCoreOption {
  const value = (category: StrideCategory, severity: Severity) =>
    counts.find((c) => c.category === category && c.severity === severity)?.count ?? 0;
  return {
    aria: { enabled: true },
    toolbox: toolbox(name),
    legend: { top: 4, left: 8, data: [...SEVERITIES] },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { ...GRID, top: 48 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: STRIDE_CATEGORIES.map((c) => STRIDE_LABELS[c]), inverse: true },
    series: SEVERITIES.map((severity) => ({
      name: severity,
      type: "bar",
      stack: "threats",
      color: SEVERITY_COLORS[severity],
      data: STRIDE_CATEGORIES.map((c) => value(c, severity)),
    })),
  };
}

/** New and resolved threats per week; resolved drawn below the axis so the two read apart. */
export function weeklyChurnOption(weeks: DashboardDto["weekly"]): EChartsCoreOption {
  return {
    aria: { enabled: true },
    toolbox: toolbox("new-vs-resolved"),
    legend: { data: ["New", "Resolved"], top: 4, left: 8 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: GRID,
    xAxis: { type: "category", data: weeks.map((w) => `wk of ${w.week}`) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "New", type: "bar", stack: "churn", color: "#ea580c", data: weeks.map((w) => w.new) },
      { name: "Resolved", type: "bar", stack: "churn", color: "#16a34a", data: weeks.map((w) => -w.resolved) },
    ],
  };
}

/** LLM cost per day. */
export function spendOption(days: DashboardDto["llmSpend"]["days"]): EChartsCoreOption {
  return {
    aria: { enabled: true },
    toolbox: toolbox("llm-spend"),
    legend: { data: ["Cost (USD)"], top: 4, left: 8 },
    tooltip: { trigger: "axis" },
    grid: GRID,
    xAxis: { type: "category", data: days.map((d) => d.day) },
    yAxis: { type: "value", min: 0 },
    series: [
      { name: "Cost (USD)", type: "bar", color: "#0ea5e9", data: days.map((d) => Number(d.costUsd.toFixed(4))) },
    ],
  };
}

/** Counts of threats (and their summed scores) per category and severity, every cell present. */
export function countCells(
  threats: ReadonlyArray<{ category: StrideCategory; severity: Severity; score?: number }>,
): Array<{ category: StrideCategory; severity: Severity; count: number; risk: number }> {
  const map = new Map<string, { count: number; risk: number }>();
  for (const t of threats) {
    const cell = map.get(`${t.category}/${t.severity}`) ?? { count: 0, risk: 0 };
    map.set(`${t.category}/${t.severity}`, { count: cell.count + 1, risk: cell.risk + (t.score ?? 0) });
  }
  return STRIDE_CATEGORIES.flatMap((category) =>
    SEVERITIES.map((severity) => ({
      category,
      severity,
      count: map.get(`${category}/${severity}`)?.count ?? 0,
      risk: map.get(`${category}/${severity}`)?.risk ?? 0,
    })),
  );
}
