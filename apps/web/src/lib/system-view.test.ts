import { describe, expect, it } from "vitest";
import type { SystemEdge, SystemThreat, SystemThreatRef } from "@threatline/domain";
import type { Scene } from "@threatline/system/layout";
import { fitTransform, pathOf, visibleThreats } from "./system-view.ts";

const ref = (severity: SystemThreatRef["severity"], category: SystemThreatRef["category"]): SystemThreatRef => ({
  fingerprint: `${severity}-${category}`,
  ruleId: null,
  category,
  severity,
  title: "t",
});

describe("system view helpers", () => {
  it("keeps the threats at or above the least severity, in the chosen STRIDE categories", () => {
    const all = [ref("critical", "Spoofing"), ref("medium", "Tampering"), ref("low", "Spoofing")];
    expect(visibleThreats(all, { categories: [], minSeverity: "info" })).toHaveLength(3);
    expect(visibleThreats(all, { categories: [], minSeverity: "medium" }).map((t) => t.severity)).toEqual([
      "critical",
      "medium",
    ]);
    expect(visibleThreats(all, { categories: ["Spoofing"], minSeverity: "info" })).toHaveLength(2);
    expect(visibleThreats(all, { categories: ["Repudiation"], minSeverity: "info" })).toEqual([]);
  });

  it("finds the edges between consecutive nodes of a path, in its direction only", () => {
    const edge = (from: string, to: string): SystemEdge => ({
      id: `${from}>${to}`,
      from,
      to,
      kind: "flow",
      label: "",
      crossFile: false,
    });
    const edges = [edge("a", "b"), edge("b", "c"), edge("c", "b"), edge("a", "c")];
    const scene = { edges: edges.map((e) => ({ id: e.id, edge: e, points: [], diff: "same" })) } as unknown as Scene;
    const threat = { path: ["a", "b", "c"] } as SystemThreat;
    const lit = pathOf(threat, scene);
    expect([...lit.nodes]).toEqual(["a", "b", "c"]);
    expect([...lit.edges].sort()).toEqual(["a>b", "b>c"]);
    expect(pathOf(null, scene).edges.size).toBe(0);
  });

  it("fits the whole diagram in the viewport, centred, never zoomed past 1.5", () => {
    const t = fitTransform({ width: 2000, height: 500 }, { width: 1024, height: 768 }, 12);
    expect(t.k).toBeCloseTo(1000 / 2000);
    expect(t.x).toBeCloseTo(12);
    expect(t.y).toBeCloseTo((768 - 250) / 2);
    expect(fitTransform({ width: 100, height: 50 }, { width: 1000, height: 1000 }).k).toBe(1.5);
  });
});
