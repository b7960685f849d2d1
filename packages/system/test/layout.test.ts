import ELK from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import { buildSystemGraph } from "@threatline/system";
import { diffGraphs, layoutSystem, toElk, type ElkLike } from "@threatline/system/layout";
import { renderSvg } from "@threatline/system/render";
import { loadProject } from "./load-project.ts";

const elk = new ELK() as unknown as ElkLike;

describe("laying the system out with ELK", () => {
  it("places every node inside the boxes of its boundaries, and routes every edge", { timeout: 30_000 }, async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    const scene = await layoutSystem(g, elk);
    expect(scene.nodes.map((n) => n.id).sort()).toEqual(g.nodes.map((n) => n.id).sort());
    const boxes = new Map(scene.boxes.map((b) => [b.id, b]));
    const parent = new Map(g.boundaries.map((b) => [b.id, b.parent]));
    for (const n of scene.nodes) {
      // The node's box and every box around it contain it (coordinates are all relative to the root).
      for (let id = n.node.boundary; id; id = parent.get(id) ?? null) {
        const box = boxes.get(id)!;
        expect(n.x, `${n.id} in ${id}`).toBeGreaterThanOrEqual(box.x);
        expect(n.y).toBeGreaterThanOrEqual(box.y);
        expect(n.x + n.width).toBeLessThanOrEqual(box.x + box.width);
        expect(n.y + n.height).toBeLessThanOrEqual(box.y + box.height);
      }
    }
    expect(scene.edges).toHaveLength(g.edges.length);
    for (const e of scene.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
    // Nodes do not overlap.
    for (const a of scene.nodes)
      for (const b of scene.nodes)
        if (a !== b)
          expect(
            a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
            `${a.id} overlaps ${b.id}`,
          ).toBe(true);
  });

  it("leaves empty boundaries out", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    const root = toElk({ ...g, nodes: g.nodes.filter((n) => n.boundary !== "ns:shop") });
    expect(JSON.stringify(root)).not.toContain("box:ns:shop");
  });

  it("renders a standalone SVG with escaped text", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    g.nodes[0]!.label = `<script>alert("x")</script>`;
    const svg = renderSvg(await layoutSystem(g, elk));
    expect(svg.startsWith("<?xml")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&#60;script&#62;");
    expect(svg).toContain("Public subnets");
    expect((svg.match(/class="node"/g) ?? []).length).toBe(g.nodes.length);
  });

  it("marks what a newer version added and removed", async () => {
    const before = await buildSystemGraph(loadProject("shop"));
    const after = await buildSystemGraph(loadProject("shop").filter((f) => f.path !== "data/data.yaml"));
    const added = { ...after, nodes: [...after.nodes, { ...after.nodes[0]!, id: "new.yaml#Queue", label: "Queue" }] };
    const { graph, diff } = diffGraphs(before, added);
    expect(diff.get("data/data.yaml#InvoiceBucket")).toBe("removed");
    expect(diff.get("new.yaml#Queue")).toBe("added");
    expect(diff.get("network/network.yaml#WebAlb")).toBe("same");
    const removedEdge = before.edges.find((e) => e.to === "data/data.yaml#InvoiceBucket")!;
    expect(diff.get(removedEdge.id)).toBe("removed");
    const scene = await layoutSystem(graph, elk, diff);
    expect(scene.nodes.find((n) => n.id === "data/data.yaml#InvoiceBucket")!.diff).toBe("removed");
  });
});
