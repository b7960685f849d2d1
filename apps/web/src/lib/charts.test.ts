import { describe, expect, it } from "vitest";
import type { RiskPoint } from "@threatline/domain";
import {
  countCells,
  riskTrendOption,
  sparkPoints,
  spendOption,
  strideBarOption,
  strideHeatmapOption,
  teamTrendOption,
  weeklyChurnOption,
} from "./charts.ts";

type Series = Array<{ name?: string; type: string; data: unknown[]; stack?: string }>;
const seriesOf = (option: unknown) => (option as { series: Series }).series;

describe("chart option builders", () => {
  const points: RiskPoint[] = [
    { at: "2026-11-01T00:00:00.000Z", riskScore: 40, threatCount: 4, analysisId: "a1", path: "k8s/api.yaml" },
    { at: "2026-11-02T00:00:00.000Z", riskScore: 28, threatCount: 3, analysisId: null, path: null },
    { at: "2026-11-03T00:00:00.000Z", riskScore: 52, threatCount: 6, analysisId: "a2", path: "cfn/app.yaml" },
  ];

  it("draws the risk line through every point and a marker only where an analysis wrote one", () => {
    const [line, markers] = seriesOf(riskTrendOption(points));
    expect(line!.data).toEqual([
      ["2026-11-01T00:00:00.000Z", 40],
      ["2026-11-02T00:00:00.000Z", 28],
      ["2026-11-03T00:00:00.000Z", 52],
    ]);
    expect(markers!.type).toBe("scatter");
    expect((markers!.data as Array<{ analysisId: string }>).map((m) => m.analysisId)).toEqual(["a1", "a2"]);
  });

  it("offers a PNG export named after the chart", () => {
    const option = riskTrendOption(points, "payments-risk") as {
      toolbox: { feature: { saveAsImage: { name: string } } };
    };
    expect(option.toolbox.feature.saveAsImage.name).toBe("threatline-payments-risk");
  });

  it("places heatmap cells at [severity, category], labels them with the count and colours them by risk", () => {
    const cells = countCells([
      { category: "Tampering", severity: "low", score: 4 },
      { category: "Tampering", severity: "low", score: 4 },
      { category: "Tampering", severity: "low", score: 4 },
      { category: "Spoofing", severity: "critical", score: 25 },
    ]);
    expect(cells).toHaveLength(30);
    const option = strideHeatmapOption(cells) as {
      visualMap: { max: number; dimension: number };
      series: Array<Series[number] & { label: { formatter: (p: { value: number[] }) => string } }>;
    };
    // One critical threat outweighs three low ones: the scale is risk, not count.
    expect(option.visualMap).toMatchObject({ max: 25, dimension: 2 });
    const data = option.series[0]!.data as Array<[number, number, number, number]>;
    expect(data).toContainEqual([3, 1, 12, 3]); // low, Tampering: risk 12, 3 threats
    expect(data).toContainEqual([0, 0, 25, 1]); // critical, Spoofing
    expect(data.filter((d) => d[3] > 0)).toHaveLength(2);
    expect(option.series[0]!.label.formatter({ value: [3, 1, 12, 3] })).toBe("3");
  });

  it("draws the risk trend on an axis of days, however close the analyses", () => {
    const close: RiskPoint[] = [
      { at: "2026-11-01T10:00:00.000Z", riskScore: 40, threatCount: 4, analysisId: "a1", path: "a" },
      { at: "2026-11-01T10:00:07.000Z", riskScore: 28, threatCount: 3, analysisId: "a2", path: "a" },
    ];
    const axis = (riskTrendOption(close) as { xAxis: { min: number; max: number; minInterval: number } }).xAxis;
    expect(axis.minInterval).toBe(24 * 3600 * 1000);
    expect(new Date(axis.min).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(new Date(axis.max).toISOString()).toBe("2026-11-02T00:00:00.000Z");
  });

  it("draws a trend of one analysis as a level to the end of its day, not a lone marker", () => {
    const one: RiskPoint[] = [
      { at: "2026-11-01T10:00:00.000Z", riskScore: 40, threatCount: 4, analysisId: "a1", path: "a" },
    ];
    const [line, markers] = seriesOf(riskTrendOption(one));
    expect(line!.data).toEqual([
      ["2026-11-01T10:00:00.000Z", 40],
      ["2026-11-02T00:00:00.000Z", 40],
    ]);
    expect(markers!.data).toHaveLength(1);
    // Several points: the line is theirs alone.
    expect(seriesOf(riskTrendOption(points))[0]!.data).toHaveLength(3);
    const team = seriesOf(teamTrendOption([{ day: "2026-11-01", riskScore: 12 }]))[0] as { showSymbol?: boolean };
    expect(team.showSymbol).toBe(true);
    const days = [
      { day: "2026-11-01", riskScore: 12 },
      { day: "2026-11-02", riskScore: 9 },
    ];
    expect((seriesOf(teamTrendOption(days))[0] as { showSymbol?: boolean }).showSymbol).toBe(false);
  });

  it("stacks one bar series per severity in the STRIDE bar chart", () => {
    const series = seriesOf(strideBarOption(countCells([{ category: "DenialOfService", severity: "medium" }])));
    expect(series.map((s) => s.name)).toEqual(["critical", "high", "medium", "low", "info"]);
    expect(series[2]!.data).toEqual([0, 0, 0, 0, 1, 0]);
    expect(new Set(series.map((s) => s.stack))).toEqual(new Set(["threats"]));
  });

  it("draws resolved threats below the axis", () => {
    const [added, resolved] = seriesOf(weeklyChurnOption([{ week: "2026-11-02", new: 5, resolved: 3 }]));
    expect(added!.data).toEqual([5]);
    expect(resolved!.data).toEqual([-3]);
  });

  it("rounds spend to tenths of a cent", () => {
    const [bars] = seriesOf(spendOption([{ day: "2026-11-01", costUsd: 0.123456, inputTokens: 1, outputTokens: 1 }]));
    expect(bars!.data).toEqual([0.1235]);
  });

  it("fits sparkline points in the box, highest value at the top", () => {
    const pts = sparkPoints([0, 10, 5], 100, 20, 0)
      .split(" ")
      .map((p) => p.split(",").map(Number));
    expect(pts).toEqual([
      [0, 20],
      [50, 0],
      [100, 10],
    ]);
    expect(sparkPoints([], 100, 20)).toBe("");
    expect(sparkPoints([3, 3], 10, 10, 0)).toBe("0,0 10,0");
  });
});
