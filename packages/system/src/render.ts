import type { SystemEdgeKind } from "@threatline/domain";
import { SEVERITY_COLOURS, worstSeverity, type Scene, type SceneNode } from "./layout.ts";

/** Edge colours by meaning; the SPA uses the same. */
export const EDGE_COLOURS: Record<SystemEdgeKind, string> = {
  network: "#c2410c",
  flow: "#2563eb",
  access: "#7c3aed",
  assumes: "#0f766e",
  serves: "#475569",
  link: "#9ca3af",
};

const BOX_FILL: Record<string, string> = {
  internet: "#fef2f2",
  account: "#f8fafc",
  vpc: "#f0f9ff",
  "subnet-public": "#fff7ed",
  "subnet-private": "#f0fdf4",
  cluster: "#f5f3ff",
  namespace: "#faf5ff",
};

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A label cut to fit a node (the full one is in the title). */
export function fitLabel(text: string, max = 26): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function nodeSvg(n: SceneNode): string {
  const { node } = n;
  const title = `${node.label} (${node.kind})${node.file ? ` — ${node.file}:${node.line ?? "?"}` : ""}`;
  const stroke = node.exposed ? "#c2410c" : "#334155";
  const shape =
    node.element === "store"
      ? // A data store in DFD notation: open at the sides, lines above and below.
        `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" fill="#fff"/>` +
        `<path d="M${n.x} ${n.y}h${n.width}M${n.x} ${n.y + n.height}h${n.width}" stroke="${stroke}" stroke-width="2"/>`
      : `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="${node.element === "actor" ? 0 : 10}" fill="#fff" stroke="${stroke}" stroke-width="${node.element === "actor" ? 2.5 : 1.5}"${node.element === "identity" ? ' stroke-dasharray="5 3"' : ""}/>`;
  const worst = worstSeverity(node.threats);
  const badge = worst
    ? `<circle cx="${n.x + n.width - 4}" cy="${n.y + 4}" r="11" fill="${SEVERITY_COLOURS[worst]}"/>` +
      `<text x="${n.x + n.width - 4}" y="${n.y + 8}" text-anchor="middle" font-size="11" fill="#fff" font-weight="600">${node.threats.length}</text>`
    : "";
  return (
    `<g class="node"><title>${esc(title)}</title>${shape}` +
    `<text x="${n.x + 10}" y="${n.y + 22}" font-size="12" font-weight="600" fill="#0f172a">${esc(fitLabel(node.label))}</text>` +
    `<text x="${n.x + 10}" y="${n.y + 40}" font-size="10" fill="#64748b">${esc(fitLabel(node.kind, 30))}</text>${badge}</g>`
  );
}

/**
 * The laid-out system as a standalone SVG document: boundaries as nested boxes, actors, processes, stores (DFD
 * notation) and identities, flows as arrows coloured by meaning (dashed across files), a badge with the count of
 * open threats coloured by the worst. Text is escaped; nothing from a template is markup.
 */
export function renderSvg(scene: Scene, title = "Threatline system view"): string {
  const pad = 20;
  const width = Math.ceil(scene.width + pad * 2);
  const height = Math.ceil(scene.height + pad * 2);
  const markers = Object.entries(EDGE_COLOURS)
    .map(
      ([kind, colour]) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${colour}"/></marker>`,
    )
    .join("");
  const boxes = scene.boxes
    .map(
      (b) =>
        `<g class="boundary"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="6" fill="${BOX_FILL[b.boundary.kind] ?? "#fff"}" stroke="#94a3b8" stroke-dasharray="6 4"/>` +
        `<text x="${b.x + 10}" y="${b.y + 19}" font-size="12" font-weight="600" fill="#475569">${esc(b.boundary.label)}</text></g>`,
    )
    .join("");
  const edges = scene.edges
    .map((e) => {
      const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join("");
      const dash = e.edge.crossFile ? ' stroke-dasharray="6 3"' : "";
      return `<path d="${d}" fill="none" stroke="${EDGE_COLOURS[e.edge.kind]}" stroke-width="1.5"${dash} marker-end="url(#arrow-${e.edge.kind})"><title>${esc(`${e.edge.kind}: ${e.edge.label}`)}</title></path>`;
    })
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${-pad} ${-pad} ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">` +
    `<title>${esc(title)}</title><defs>${markers}</defs><rect x="${-pad}" y="${-pad}" width="${width}" height="${height}" fill="#fff"/>` +
    `${boxes}${edges}${scene.nodes.map(nodeSvg).join("")}</svg>\n`
  );
}
