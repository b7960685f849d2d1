import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFakeCli } from "./cli.ts";

const MAIN = resolve(import.meta.dirname, "main.ts");
const runMain = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8", timeout: 60_000 });

describe("npm run fake-bedrock -- …", () => {
  it("prints its options on --help and -h", () => {
    for (const flag of ["--help", "-h"]) {
      const cli = parseFakeCli([flag]);
      expect(cli.kind).toBe("help");
      if (cli.kind === "help") expect(cli.text).toMatch(/--tpm <n>[\s\S]*--faults <spec>/);
    }
  });

  it("reads the options with Bedrock-like defaults", () => {
    expect(parseFakeCli([])).toMatchObject({
      kind: "run",
      options: { port: 4010, host: "127.0.0.1", tpm: 0, rpm: 0, windowMs: 60_000, faults: "", seed: 1 },
    });
    const cli = parseFakeCli(["--port", "0", "--tpm", "40000", "--window-ms", "15000", "--output-weight", "5"]);
    expect(cli).toMatchObject({
      kind: "run",
      options: { port: 0, tpm: 40_000, windowMs: 15_000, outputTokenWeight: 5 },
    });
  });

  it("refuses an unknown option, a bad number or a bad fault script with a message, not a stack trace", () => {
    expect(parseFakeCli(["--tmp", "5"])).toMatchObject({
      kind: "error",
      message: expect.stringContaining("--tmp") as string,
    });
    expect(parseFakeCli(["--tpm", "lots"])).toEqual({ kind: "error", message: "--tpm must be a non-negative number" });
    expect(parseFakeCli(["--port", ""])).toEqual({ kind: "error", message: "--port must be a non-negative number" });
    expect(parseFakeCli(["--faults", "429:2"])).toMatchObject({
      kind: "error",
      message: expect.stringContaining('Unknown fault "429:2"') as string,
    });
  });

  it("exits 0 with the usage on --help, and 2 with the usage on a wrong option (the real process)", () => {
    const help = runMain("--help");
    expect(help.stderr).toBe("");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: npm run fake-bedrock -- [options]");
    const wrong = runMain("--nope");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/^fake-bedrock: Unknown option '--nope'/);
    expect(wrong.stderr).not.toContain("    at ");
  });
});
