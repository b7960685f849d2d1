import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { SystemGraph, Threat } from "@threatline/domain";
import { analyze, type SourceFile } from "@threatline/engine";
import { buildSystemGraph } from "@threatline/system";

/** The system package's multi-file "shop" project (CloudFormation, Terraform, OpenAPI, Kubernetes). */
const SHOP = fileURLToPath(new URL("../../system/test/fixtures/shop/", import.meta.url));

function loadShop(): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  return walk(SHOP)
    .sort()
    .map((p) => ({ path: relative(SHOP, p), content: readFileSync(p, "utf8") }));
}

/** A real project as the API exports it: the engine's threats and the system graph they are drawn on. */
export async function shopProject(): Promise<{ files: SourceFile[]; threats: Threat[]; system: SystemGraph }> {
  const files = loadShop();
  const { threats } = await analyze(files);
  const system = await buildSystemGraph(files, { threats });
  return { files, threats, system };
}
