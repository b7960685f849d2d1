import { describe, expect, it } from "vitest";
import { analyze } from "@threatline/engine";
import { renderScanText } from "../src/lib/text-report.ts";
import { summarizeScan } from "../src/lib/scan.ts";

describe("threatline scan's text report", () => {
  it("lists real risks one by one and groups low and info per file, then lenient reads and refusals with positions", async () => {
    const files = [
      {
        path: "app.yaml",
        content: `Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: 1
      DelaySeconds: 2
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
`,
      },
      { path: "broken.yaml", content: "Resources:\n  A:\n\tType: AWS::S3::Bucket\n" },
    ];
    const result = await analyze(files);
    const report = summarizeScan({
      tool: { name: "threatline", version: "test" },
      files: result.files,
      threats: result.threats,
    });
    const text = renderScanText(report, false);
    const ssh = text.indexOf("Security group allows SSH from the internet");
    const hygiene = text.indexOf("Low and info, by file");
    expect(ssh).toBeGreaterThan(0);
    expect(hygiene).toBeGreaterThan(ssh);
    // The queue's hygiene is under its file, after the real risks, not in a category list.
    const low = result.threats.filter((t) => t.severity === "low" || t.severity === "info");
    expect(low.length).toBeGreaterThan(0);
    for (const t of low) expect(text.indexOf(t.title)).toBeGreaterThan(hygiene);
    expect(text).toMatch(/^ {2}\d+ low\/info hygiene findings? in app\.yaml \(\d+ (low|info)/m);
    expect(text).toMatch(/app\.yaml:6:7: template\/duplicate-key "DelaySeconds"/);
    expect(text).toMatch(/broken\.yaml:3:1: template\/parse-failed/);
  });
});
