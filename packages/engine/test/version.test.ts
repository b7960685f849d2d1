import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineDir, lockPath, rulesDigest } from "../scripts/rules-digest.mjs";
import { ENGINE_VERSION } from "../src/index.ts";

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
      `The rule sources changed (digest ${current.rulesDigest}). Run "npm run engine:bump" ` +
        `(it bumps the patch version and appends { "engineVersion", "rulesDigest": "${current.rulesDigest}" } to rules.lock.json).`,
    ).toEqual(current);
  });
});
