import { describe, expect, it } from "vitest";
import { mergePicked, normalizePath } from "./files.ts";

const f = (path: string) => ({ path, file: new File(["x"], path.split("/").pop()!) });

describe("picked files", () => {
  it("keeps folder-relative paths, drops non-templates and hidden folders, and dedupes by path", () => {
    const merged = mergePicked(
      [f("infra/main.tf")],
      [f("infra/main.tf"), f("infra/README.md"), f("infra/.terraform/mod.tf"), f("k8s/api.yaml"), f("all.zip")],
    );
    expect(merged.map((m) => m.path)).toEqual(["all.zip", "infra/main.tf", "k8s/api.yaml"]);
  });

  it("normalises separators and leading ./", () => {
    expect(normalizePath("./a\\b.yaml")).toBe("a/b.yaml");
    expect(normalizePath("/abs/c.yaml")).toBe("abs/c.yaml");
  });
});
