/**
 * How much JavaScript the SPA makes a browser download, gzip-compressed: the first load (the entry
 * chunk and what it imports statically) and, per route, the first load plus that route's lazy chunks.
 * Budget: 300 KB gzip for the first load.
 *
 * Run after `npm run build -w @threatline/web`: `npx tsx bench/web-bundle.ts` (writes
 * bench/results/web-bundle.md).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

interface Chunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "apps/web/dist");
const BUDGET_KB = 300;

const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8")) as Record<string, Chunk>;
const gz = new Map<string, number>();
function gzipSize(file: string): number {
  let size = gz.get(file);
  if (size === undefined) {
    size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
    gz.set(file, size);
  }
  return size;
}

/** The chunk's file and every file it imports statically, transitively. */
function closure(key: string, seen = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const total = (files: Iterable<string>) =>
  [...files].filter((f) => f.endsWith(".js")).reduce((s, f) => s + gzipSize(f), 0);

const [entryKey, entry] = Object.entries(manifest).find(([, c]) => c.isEntry)!;
const first = closure(entryKey);
const firstBytes = total(first);
const routes = (entry.dynamicImports ?? []).map((key) => {
  const files = closure(key, new Set(first));
  return {
    route: manifest[key]?.src?.replace(/^src\/views\//, "") ?? key,
    bytes: total(files),
    own: total([...files].filter((f) => !first.has(f))),
  };
});
routes.sort((a, b) => b.bytes - a.bytes);
// Charts load after their view has rendered (an async component); their chunk is sized on its own.
const chartKey = Object.keys(manifest).find((k) => k.endsWith("EChart.vue"));
const chartBytes = chartKey ? total([...closure(chartKey)].filter((f) => !first.has(f))) : 0;

const lines = [
  "# Web bundle size (gzip)",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} by \`bench/web-bundle.ts\` over \`apps/web/dist\` (gzip level 9).`,
  "",
  `**First load (entry + static imports): ${kb(firstBytes)} KB** — budget ${BUDGET_KB} KB: ${firstBytes / 1024 <= BUDGET_KB ? "within" : "OVER"}.`,
  "",
  "Per route, on a cold load of that URL (first load + the route's lazy chunks):",
  "",
  "| route | total KB | route's own chunks KB |",
  "|---|---:|---:|",
  ...routes.map((r) => `| ${r.route} | ${kb(r.bytes)} | ${kb(r.own)} |`),
  "",
  `Charts (ECharts with the parts drawn, loaded after the view renders, by Dashboard, Project and Analysis): ${kb(chartBytes)} KB more.`,
  "",
];
writeFileSync(join(root, "bench/results/web-bundle.md"), lines.join("\n"));
process.stdout.write(lines.join("\n"));
