// The System view (issue #19) on a sample project and on a generated 500-node project, in Chromium against the real
// one-process app (API, worker, built SPA) on a fresh database: building the graph (the worker's cost, in Node),
// ELK's layout in the page's web worker, and first render (navigation start to the first frame with every node).
// The sample is the shop fixture of packages/system (five files: CloudFormation, Terraform, Kubernetes, OpenAPI),
// analysed by the worker; the 500-node graph is built here from bench-generated files and stored as the worker
// would store it (101 analyses would measure the queue, not the view).
//   node --import tsx bench/system-view.ts [--runs 3]        (builds the SPA first if there is no build)
// Writes bench/results/system-view.md. Run it alone: figures depend on a quiet machine.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ELK from "elkjs/lib/elk.bundled.js";
import pg from "pg";
import { pino } from "pino";
import type { Page } from "playwright-core";
import { migrateDatabase } from "@threatline/db";
import type { SystemGraphDto } from "@threatline/domain";
import { buildSystemGraph } from "@threatline/system";
import { layoutSystem, type ElkLike } from "@threatline/system/layout";
import { ServerConfigSchema, startServer } from "@threatline/server";
import { ADMIN, apiClient, ensureWebBuild, launchBrowser, signIn, WEB_DIST } from "../apps/web/test/app.ts";
import { throwawayDatabase } from "../scripts/faults/env.ts";
import { loadProject } from "../packages/system/test/load-project.ts";
import { generatedProject } from "../packages/system/test/generate.ts";

const here = dirname(fileURLToPath(import.meta.url));
const i = process.argv.indexOf("--runs");
const RUNS = i >= 0 ? Number(process.argv[i + 1]) : 3;
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
setTimeout(() => {
  process.stderr.write("system-view: 10-minute deadline passed; giving up\n");
  process.exit(2);
}, 10 * 60_000).unref();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const cell = (xs: number[]) => `${Math.round(median(xs))} (${xs.map(Math.round).join(", ")})`;

/** Navigation start to the first frame with `count` nodes drawn, and the layout time the page reports. */
async function open(page: Page, url: string, count: number): Promise<{ firstRender: number; layout: number }> {
  await page.goto(url, { waitUntil: "commit" });
  const handle = await page.waitForFunction(
    (n) => (document.querySelectorAll("[data-node]").length >= n ? performance.now() : 0),
    count,
    { polling: "raf", timeout: 120_000 },
  );
  const firstRender = await handle.jsonValue();
  const text = await page.getByTestId("layout-ms").innerText();
  return { firstRender, layout: Number(/(\d+) ms/.exec(text)![1]) };
}

ensureWebBuild();
const database = await throwawayDatabase(ADMIN_URL, "threatline_bench");
let close: (() => Promise<void>) | undefined;
try {
  await migrateDatabase(database.url);
  const config = ServerConfigSchema.parse({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: `tl-bench-${randomBytes(4).toString("hex")}`,
    LOG_LEVEL: "silent",
    WEB_DIST,
    MIGRATE_ON_START: "false",
    THREATLINE_ADMIN_EMAIL: ADMIN.email,
    THREATLINE_ADMIN_PASSWORD: ADMIN.password,
  });
  const running = await startServer(config, pino({ level: "silent" }));
  const browser = await launchBrowser();
  close = async () => {
    await browser.close();
    await running.close();
  };
  const api = await apiClient(running.url);

  // The sample, through the worker.
  const shop = (await api<{ id: string }>("POST", "/projects", { name: "shop" })).id;
  await api("POST", `/projects/${shop}/submissions`, { files: loadProject("shop") });
  let sample: SystemGraphDto | undefined;
  for (let t = 0; t < 240 && !sample; t++) {
    sample = await api<SystemGraphDto>("GET", `/projects/${shop}/system-graph`).catch(() => undefined);
    if (!sample) await new Promise((r) => setTimeout(r, 500));
  }
  if (!sample) throw new Error("the worker never stored the sample's system graph");

  // The generated project: building it is the worker's cost per state change.
  const files = generatedProject(100);
  const builds: number[] = [];
  let big = await buildSystemGraph(files);
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    big = await buildSystemGraph(files);
    builds.push(performance.now() - t0);
  }
  const nodeElk: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await layoutSystem(big, new ELK() as unknown as ElkLike);
    nodeElk.push(performance.now() - t0);
  }
  const generated = (await api<{ id: string }>("POST", "/projects", { name: "generated-500" })).id;
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  await db.query(
    `INSERT INTO "SystemGraph" (id, "projectId", version, "stateKey", "nodeCount", "edgeCount", graph)
     VALUES (gen_random_uuid(), $1, 1, 'bench', $2, $3, $4)`,
    [generated, big.nodes.length, big.edges.length, JSON.stringify(big)],
  );
  await db.end();

  const page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await signIn(page, running.url);
  const measure = async (project: string, count: number) => {
    const out = { firstRender: [] as number[], layout: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      const m = await open(page, `${running.url}/projects/${project}/system`, count);
      out.firstRender.push(m.firstRender);
      out.layout.push(m.layout);
    }
    return out;
  };
  const small = await measure(shop, sample.nodes.length);
  const large = await measure(generated, big.nodes.length);

  const chromium = browser.version();
  const now = new Date().toISOString().slice(0, 16).replace("T", " ");
  const md = `# System view: layout and first render

Generated by \`node --import tsx bench/system-view.ts --runs ${RUNS}\` on ${now} UTC.
Machine: ${cpus().length} × ${cpus()[0]?.model.split(" ").slice(0, 2).join(" ") ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Chromium ${chromium}, load average ${loadavg()[0]!.toFixed(1)} at the end.

The real one-process app (API, worker, built SPA) on loopback PostgreSQL and Redis; Chromium headless at 1600×1000.
Times are medians of ${RUNS} runs in milliseconds, each run in brackets. Layout is ELK (elkjs, layered, boundaries
as compound nodes) in the page's web worker, as the page reports it. First render counts from navigation start
(HTML, scripts, session check, the API call and the layout included) to the first frame with every node drawn.

| project | nodes / edges / boundaries | measure | result |
|---|---|---|---|
| sample (shop fixture, 5 files, analysed by the worker) | ${sample.nodes.length} / ${sample.edges.length} / ${sample.boundaries.length} | layout in the page | ${cell(small.layout)} |
| | | first render | ${cell(small.firstRender)} |
| generated (101 files) | ${big.nodes.length} / ${big.edges.length} / ${big.boundaries.length} | build the graph (worker, Node) | ${cell(builds)} |
| | | layout in Node (elkjs, same options) | ${cell(nodeElk)} |
| | | layout in the page | ${cell(large.layout)} |
| | | first render | ${cell(large.firstRender)} |

Script errors in the page: ${pageErrors.length === 0 ? "none" : pageErrors.join("; ")}.
`;
  writeFileSync(join(here, "results", "system-view.md"), md);
  process.stdout.write(md);
} finally {
  await close?.();
  await database.drop();
}
