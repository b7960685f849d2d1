/**
 * The public corpus's material, read from the mirror (`PUBLIC_CORPUS_MIRROR`, default /work/.mirror): one bare
 * git directory per repository at `<mirror>/<owner>+<name>/repo`, read with `git show <commit>:<path>`.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Item } from "./score.ts";

export const mirrorRoot = process.env.PUBLIC_CORPUS_MIRROR ?? "/work/.mirror";

export function gitDir(repo: string): string {
  return join(mirrorRoot, repo.replace("/", "+"), "repo");
}

/** The item's files from the mirror, or why they cannot be read. */
export function readMaterial(item: Item): Array<{ path: string; content: string }> | string {
  const dir = gitDir(item.source.repo);
  if (!existsSync(dir)) return `repository ${item.source.repo} is not in the mirror (${dir})`;
  const files: Array<{ path: string; content: string }> = [];
  for (const path of item.source.paths) {
    try {
      const content = execFileSync("git", ["--git-dir", dir, "show", `${item.source.commit}:${path}`], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
      });
      files.push({ path, content });
    } catch {
      return `${item.source.repo}@${item.source.commit.slice(0, 10)} has no ${path} in the mirror`;
    }
  }
  return files;
}
