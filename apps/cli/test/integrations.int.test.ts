import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifErrors } from "../../../packages/reports/test/sarif-validator.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = path.join(ROOT, "apps/cli/bin/threatline.mjs");
/** The local build stands in for `npx --no-install threatline` and the action's own checkout (the tests download nothing). */
const LOCAL = `${process.execPath} ${BIN}`;

const SG = (port: number) =>
  `Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - { IpProtocol: tcp, FromPort: ${port}, ToPort: ${port}, CidrIp: 0.0.0.0/0 }\n`;
const CLEAN = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      KmsMasterKeyId: alias/x\n";

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("ready-made CI integrations", { timeout: 180_000 }, () => {
  let repo: string;
  let origin: string;
  const gitIn = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });

  // A pull request: main has one commit on the remote, the feature branch opens RDP where SSH was open.
  beforeAll(() => {
    origin = mkdtempSync(path.join(tmpdir(), "threatline-origin-"));
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
    repo = mkdtempSync(path.join(tmpdir(), "threatline-pr-"));
    gitIn("init", "-q", "-b", "main");
    gitIn("config", "user.email", "ci@example.com");
    gitIn("config", "user.name", "CI");
    gitIn("remote", "add", "origin", origin);
    writeFileSync(path.join(repo, "sg.yaml"), SG(22));
    gitIn("add", "-A");
    gitIn("commit", "-q", "-m", "base");
    gitIn("push", "-q", "origin", "main");
    gitIn("checkout", "-q", "-b", "feature");
    writeFileSync(path.join(repo, "sg.yaml"), SG(3389));
    gitIn("commit", "-q", "-a", "-m", "open RDP");
    // The checkout of a CI job has no remote-tracking branch for the base yet.
    gitIn("update-ref", "-d", "refs/remotes/origin/main");
  });
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(origin, { recursive: true, force: true });
  });

  describe("GitHub Action", () => {
    const action = parseYaml(readFileSync(path.join(ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, { default?: string }>;
      runs: {
        using: string;
        steps: Array<{
          id?: string;
          run?: string;
          uses?: string;
          env?: Record<string, string>;
          with?: Record<string, string>;
        }>;
      };
    };

    it("is a composite action whose script gets every input, then uploads the SARIF", () => {
      expect(action.runs.using).toBe("composite");
      const [scan, upload] = action.runs.steps;
      expect(scan!.run).toContain("$GITHUB_ACTION_PATH/integrations/github/run.sh");
      const script = readFileSync(path.join(ROOT, "integrations/github/run.sh"), "utf8");
      const read = new Set([...script.matchAll(/\$\{(THREATLINE_[A-Z_]+)/g)].map((m) => m[1]));
      expect(new Set(Object.keys(scan!.env!))).toEqual(read);
      for (const value of Object.values(scan!.env!)) {
        const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)?.[1];
        expect(input && action.inputs[input], value).toBeTruthy();
      }
      expect(action.inputs.command!.default).toBe("");
      expect(upload!.uses).toMatch(/^github\/codeql-action\/upload-sarif@v\d+$/);
      expect(upload!.with!.sarif_file).toBe("${{ inputs.sarif-file }}");
    });

    it("its script writes SARIF, puts the pull request's delta in the job summary and fails on --fail-on", async () => {
      const summary = path.join(repo, "..", `summary-${path.basename(repo)}.md`);
      const output = path.join(repo, "..", `output-${path.basename(repo)}.txt`);
      writeFileSync(summary, "Earlier step\n");
      writeFileSync(output, "");
      const env = {
        THREATLINE_COMMAND: LOCAL,
        THREATLINE_PATHS: ".",
        THREATLINE_FAIL_ON: "high",
        THREATLINE_SARIF: "out.sarif",
        THREATLINE_PR_SUMMARY: "true",
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_BASE_REF: "main",
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
      };
      const failing = await run("bash", [path.join(ROOT, "integrations/github/run.sh")], repo, env);
      expect(failing.code).toBe(1);
      expect(failing.stdout).toContain("::error::Threatline found threats at or above high");
      const sarif = JSON.parse(readFileSync(path.join(repo, "out.sarif"), "utf8")) as unknown;
      expect(sarifErrors(sarif)).toEqual([]);
      const written = readFileSync(summary, "utf8");
      expect(written.startsWith("Earlier step\n")).toBe(true);
      expect(written).toContain("## Threatline: 1 threat(s) added (1 high), 1 resolved");
      expect(readFileSync(output, "utf8")).toBe("exit-code=1\n");

      const passing = await run("bash", [path.join(ROOT, "integrations/github/run.sh")], repo, {
        ...env,
        THREATLINE_FAIL_ON: "",
        GITHUB_EVENT_NAME: "push",
      });
      expect(passing.code).toBe(0);
      rmSync(summary);
      rmSync(output);
      rmSync(path.join(repo, "out.sarif"));
    });

    it("its script looks no package up by name: outside the action, without a command, it stops with exit 2", async () => {
      const result = await run("bash", [path.join(ROOT, "integrations/github/run.sh")], repo, {
        THREATLINE_COMMAND: "",
        GITHUB_ACTION_PATH: "",
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("Set THREATLINE_COMMAND");
    });
  });

  describe("pre-commit hook", () => {
    const [hook] = parseYaml(readFileSync(path.join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Array<{
      id: string;
      entry: string;
      language: string;
      files: string;
      exclude: string;
      pass_filenames: boolean;
    }>;

    it("selects templates, not the repository's own config files", () => {
      expect(hook!.id).toBe("threatline");
      const files = new RegExp(hook!.files);
      const exclude = new RegExp(hook!.exclude);
      const picked = (f: string) => files.test(f) && !exclude.test(f);
      for (const f of ["infra/app.yaml", "stack.yml", "tf/main.tf", "cfn.template", "api/openapi.json"])
        expect(picked(f), f).toBe(true);
      for (const f of [
        "README.md",
        "package.json",
        "web/package-lock.json",
        ".threatline.yaml",
        ".pre-commit-config.yaml",
        "src/app.ts",
      ])
        expect(picked(f), f).toBe(false);
    });

    it("its entry, given the staged files, fails on a high threat and passes a clean file", async () => {
      expect(hook!.entry.startsWith("npx --no-install threatline ")).toBe(true);
      const args = [...hook!.entry.replace("npx --no-install threatline", BIN).split(" ")];
      writeFileSync(path.join(repo, "clean.yaml"), CLEAN);
      const bad = await run(process.execPath, [...args, "sg.yaml", "clean.yaml"], repo);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/threat\(s\) at or above high/);
      const good = await run(process.execPath, [...args, "clean.yaml"], repo);
      expect(good.code).toBe(0);
      rmSync(path.join(repo, "clean.yaml"));
    });
  });

  describe("GitLab CI snippet", () => {
    const job = (
      parseYaml(readFileSync(path.join(ROOT, "integrations/gitlab/threatline.gitlab-ci.yml"), "utf8")) as Record<
        string,
        { script: string[]; variables: Record<string, string>; artifacts: { paths: string[] } }
      >
    ).threatline!;

    it("its script, in a merge request pipeline, writes the reports and the delta and fails on an added high threat", async () => {
      const env = { ...job.variables, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main" };
      const codes: number[] = [];
      for (const line of job.script) {
        const result = await run("sh", ["-c", line.replaceAll("npx --no-install threatline", LOCAL)], repo, env);
        codes.push(result.code);
      }
      expect(codes).toEqual([0, 0, 1]);
      for (const artifact of job.artifacts.paths) expect(() => readFileSync(path.join(repo, artifact))).not.toThrow();
      expect(readFileSync(path.join(repo, "threatline-delta.md"), "utf8")).toContain("### Added (1)");
      expect(sarifErrors(JSON.parse(readFileSync(path.join(repo, "threatline.sarif"), "utf8")))).toEqual([]);
    });
  });
});
