import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { SourceFile } from "@threatline/engine";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

/** A fixture project's files, with paths relative to its folder. */
export function loadProject(name: string): SourceFile[] {
  const root = join(FIXTURES, name);
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  return walk(root)
    .sort()
    .map((p) => ({ path: relative(root, p), content: readFileSync(p, "utf8") }));
}
