import { execFile } from "node:child_process";
import { UsageError } from "./files.ts";

/** Runs git in `cwd` and returns its stdout; a failure becomes a UsageError with git's own words. */
export function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        return reject(new UsageError("threatline diff needs git on the PATH."));
      reject(new UsageError(`git ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
    });
  });
}

/** The top folder of the repository holding `cwd`. */
export async function repositoryRoot(cwd: string): Promise<string> {
  try {
    return (await git(["rev-parse", "--show-toplevel"], cwd)).trim();
  } catch {
    throw new UsageError("threatline diff runs inside a git repository (no .git found from here up).");
  }
}

/** The commit a ref names, or a UsageError that says how to get it (shallow CI clones lack the base). */
export async function resolveCommit(ref: string, root: string): Promise<string> {
  try {
    return (await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root)).trim();
  } catch {
    throw new UsageError(
      `Unknown git revision '${ref}'. In CI, fetch it first (actions/checkout with fetch-depth: 0, or git fetch origin ${ref}).`,
    );
  }
}

/**
 * The commit to compare against: the merge base of `base` and HEAD, as a pull request's own diff does, so
 * that changes landed on the base branch meanwhile are not counted as the pull request's.
 */
export async function mergeBase(base: string, root: string): Promise<string> {
  try {
    return (await git(["merge-base", base, "HEAD"], root)).trim();
  } catch {
    return base;
  }
}

/** Files changed between a commit and the working tree (committed, staged, unstaged and untracked), repo-relative. */
export async function changedFiles(commit: string, root: string): Promise<string[]> {
  const tracked = (await git(["diff", "--name-only", "--no-renames", "-z", commit], root)).split("\0");
  const untracked = (await git(["ls-files", "--others", "--exclude-standard", "-z"], root)).split("\0");
  return [...new Set([...tracked, ...untracked].filter(Boolean))].sort();
}

/** Files under a folder (not below) at a commit, repo-relative. */
export async function filesAt(commit: string, dir: string, root: string): Promise<string[]> {
  const prefix = dir === "." || dir === "" ? "" : `${dir}/`;
  const out = await git(["ls-tree", "--name-only", "-z", commit, "--", prefix || "."], root);
  return out
    .split("\0")
    .filter(Boolean)
    .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/"));
}

/** A file's content at a commit, or null when it did not exist there. */
export async function showFile(commit: string, file: string, root: string): Promise<string | null> {
  try {
    return await git(["show", `${commit}:${file}`], root);
  } catch {
    return null;
  }
}
