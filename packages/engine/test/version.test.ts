import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestSources, engineDir, lockPath, rulesDigest } from "../scripts/rules-digest.mjs";
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

  it("changes whenever a source that decides the findings changes (it keys the LLM cache)", () => {
    const lock = JSON.parse(readFileSync(lockPath, "utf8")) as LockEntry[];
    const current = { engineVersion: ENGINE_VERSION, rulesDigest: rulesDigest() };
    const versions = lock.map((e) => e.engineVersion);
    expect(new Set(versions).size, "each version in rules.lock.json names one rule set").toBe(versions.length);
    expect(
      lock.at(-1),
      `The engine's sources changed (digest ${current.rulesDigest}). Run "npm run engine:bump" ` +
        `(it bumps the patch version and appends { "engineVersion", "rulesDigest": "${current.rulesDigest}" } to rules.lock.json).`,
    ).toEqual(current);
  });

  it("digests the parsers, kinds, facts, graph and compaction as well as the rules", () => {
    const covered = new Set(digestSources());
    for (const path of [
      "packages/engine/src/aws/rules/define.ts",
      "packages/engine/src/aws/kinds/s3.ts",
      "packages/engine/src/aws/facts.ts",
      "packages/engine/src/aws/normalize.ts",
      "packages/engine/src/cloudformation/parse.ts",
      "packages/engine/src/terraform/parse.ts",
      "packages/engine/src/kubernetes/parse.ts",
      "packages/engine/src/openapi/parse.ts",
      "packages/engine/src/formats/index.ts",
      "packages/engine/src/graph/derive.ts",
      "packages/engine/src/secrets/detect.ts",
      "packages/engine/src/compact/compact.ts",
      "packages/engine/src/analyze.ts",
      "packages/domain/src/severity.ts",
    ]) {
      expect(covered.has(path), path).toBe(true);
    }
    expect([...covered].filter((path) => !path.endsWith(".ts"))).toEqual([]);
  });
});
