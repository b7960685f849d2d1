import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENGINE_VERSION } from "../src/index.ts";

const engineDir = fileURLToPath(new URL("..", import.meta.url));
const src = join(engineDir, "src");
const lockPath = join(engineDir, "test/rules.lock.json");

function sources(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? sources(full) : [full];
    });
}

/** What decides the findings: every rule definition and the secret detectors, by path and content. */
function rulesDigest(): string {
  const hash = createHash("sha256");
  for (const file of sources(src)) {
    const path = relative(src, file).split("\\").join("/");
    if (!/(^|\/)rules(\/|\.ts$)|^secrets\/|^aws\/rules\//.test(path) || !path.endsWith(".ts")) continue;
    hash.update(`${path}\0${readFileSync(file, "utf8").replace(/\r\n/g, "\n")}\0`);
  }
  return hash.digest("hex");
}

interface LockEntry {
  engineVersion: string;
  rulesDigest: string;
}

describe("ENGINE_VERSION", () => {
  it("is packages/engine/package.json's version", () => {
    const pkg = JSON.parse(readFileSync(join(engineDir, "package.json"), "utf8")) as { version: string };
    expect(ENGINE_VERSION).toBe(pkg.version);
    expect(ENGINE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("changes whenever the rules or the secret detectors change (it keys the LLM cache)", () => {
    const lock = JSON.parse(readFileSync(lockPath, "utf8")) as LockEntry[];
    const current = { engineVersion: ENGINE_VERSION, rulesDigest: rulesDigest() };
    const versions = lock.map((e) => e.engineVersion);
    expect(new Set(versions).size, "each version in rules.lock.json names one rule set").toBe(versions.length);
    expect(
      lock.at(-1),
      `The rule sources changed (digest ${current.rulesDigest}). Bump "version" in packages/engine/package.json ` +
        `and append { "engineVersion": "<new version>", "rulesDigest": "${current.rulesDigest}" } to packages/engine/test/rules.lock.json.`,
    ).toEqual(current);
  });
});
