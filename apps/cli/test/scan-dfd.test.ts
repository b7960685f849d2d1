import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.ts";

const SHOP = fileURLToPath(new URL("../../../packages/system/test/fixtures/shop", import.meta.url));

describe("threatline scan --format dfd-svg", () => {
  it(
    "writes the scanned files as one data-flow diagram, with threat badges and the boundaries",
    { timeout: 60_000 },
    async () => {
      const out = path.join(mkdtempSync(path.join(tmpdir(), "threatline-dfd-")), "system.svg");
      const run = await runCli(["scan", ".", "--format", "dfd-svg", "--output", out], { cwd: SHOP });
      expect(run.code, run.stderr).toBe(0);
      const svg = readFileSync(out, "utf8");
      expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).toContain("threat(s) across files");
      for (const label of [
        "WebAlb",
        "Deployment/shop/web",
        "InvoiceBucket",
        "Public subnets",
        "namespace shop",
        "Internet",
      ])
        expect(svg).toContain(`>${label}<`);
      // The open threats of the scan as badges: the load balancer's five.
      expect(svg).toMatch(/>WebAlb<\/text>.*?<text[^>]*>5<\/text>/);
      // Cross-file flows are drawn dashed.
      expect(svg).toContain('stroke-dasharray="6 3"');
    },
  );

  it("prints the SVG on stdout without --output", { timeout: 60_000 }, async () => {
    const run = await runCli(["scan", "data/data.yaml", "--format", "dfd-svg"], { cwd: SHOP });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(">CustomerDb<");
  });
});
