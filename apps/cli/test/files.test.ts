import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analysisUnits, displayPath, readTemplateFiles } from "../src/lib/files.ts";
import { atOrAbove, parseSeverity } from "../src/lib/severity.ts";

describe("CLI file helpers", () => {
  it("groups .tf files by folder and leaves every other file alone", () => {
    const f = (p: string) => ({ path: p, content: "" });
    const units = analysisUnits([
      f("a/main.tf"),
      f("a/app.yaml"),
      f("b/main.tf"),
      f("a/vars.TF"),
      f("a/other.json"),
      f("a/sub/x.tf"),
    ]);
    expect(units.map((u) => u.map((x) => x.path))).toEqual([
      ["a/main.tf", "a/vars.TF"],
      ["a/app.yaml"],
      ["b/main.tf"],
      ["a/other.json"],
      ["a/sub/x.tf"],
    ]);
  });

  it("groups the Kubernetes manifests of a folder, so a NetworkPolicy in a sibling file covers the others", () => {
    const k8s = (p: string, kind: string) => ({
      path: p,
      content: `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: x\n  namespace: shop\n`,
    });
    const cfn = { path: "k/stack.yaml", content: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n" };
    const units = analysisUnits([
      k8s("k/deploy.yaml", "Pod"),
      cfn,
      k8s("k/netpol.yaml", "NetworkPolicy"),
      k8s("j/pod.yaml", "Pod"),
    ]);
    expect(units.map((u) => u.map((x) => x.path))).toEqual([
      ["k/deploy.yaml", "k/netpol.yaml"],
      ["k/stack.yaml"],
      ["j/pod.yaml"],
    ]);
  });

  it("shows paths relative to the working directory with forward slashes, absolute outside it", () => {
    const cwd = path.resolve("/work/repo");
    expect(displayPath(path.join(cwd, "infra", "app.yaml"), cwd)).toBe("infra/app.yaml");
    expect(displayPath(path.resolve("/elsewhere/x.yaml"), cwd)).toBe(
      path.resolve("/elsewhere/x.yaml").split(path.sep).join("/"),
    );
  });

  it("reads --fail-on in any case and counts threats at or above it", () => {
    expect(parseSeverity("HIGH")).toBe("high");
    expect(() => parseSeverity("severe")).toThrow(/Unknown severity/);
    const threats = [{ severity: "critical" as const }, { severity: "medium" as const }, { severity: "info" as const }];
    expect([
      atOrAbove(threats, "critical"),
      atOrAbove(threats, "high"),
      atOrAbove(threats, "medium"),
      atOrAbove(threats, "info"),
    ]).toEqual([1, 1, 2, 3]);
  });
});

describe("reading many files", () => {
  it("reads every file, in order, with bounded concurrency", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "threatline-read-"));
    try {
      const names = Array.from({ length: 300 }, (_, i) => path.join(dir, `f${i}.yaml`));
      names.forEach((n, i) => writeFileSync(n, `n: ${i}\n`));
      const files = await readTemplateFiles(names, dir);
      expect(files.map((f) => f.path)).toEqual(names.map((_, i) => `f${i}.yaml`));
      expect(files.map((f) => f.content)).toEqual(names.map((_, i) => `n: ${i}\n`));
      await expect(readTemplateFiles([path.join(dir, "missing.yaml")], dir)).rejects.toThrow(
        "Cannot read 'missing.yaml': ENOENT.",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
