import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/threatline.mjs", import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `threatline` binary, as a user would, in `cwd`. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1", ...options.env }, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * A copy of the fixture workspace in a temporary folder, plus the folders a walk must skip (they cannot be
 * committed: git ignores node_modules and refuses `.git`).
 */
export function makeWorkspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "threatline-cli-"));
  cpSync(fileURLToPath(new URL("./fixtures/workspace", import.meta.url)), dir, { recursive: true });
  const bucket =
    "Resources:\n  Ignored:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
  for (const [rel, content] of [
    ["node_modules/some-pkg/template.yaml", bucket],
    [".git/ignored.yaml", bucket],
    [".terraform/modules/vpc/main.tf", 'resource "aws_s3_bucket" "ignored" {}\n'],
  ] as const) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
