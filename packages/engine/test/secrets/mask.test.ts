import { describe, expect, it } from "vitest";
import { buildGraph, maskSecrets, SECRET_MASK } from "../../src/index.ts";

const KEY_BODY = [
  "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
  "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
];
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: app
      MasterUserPassword: "Tr0ub4dor&3-horse"
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          DEPLOY_KEY: |
            -----BEGIN RSA PRIVATE KEY-----
            ${KEY_BODY[0]}
            ${KEY_BODY[1]}
            -----END RSA PRIVATE KEY-----
          AWS_KEY_ID: AKIA2E0A8F3B244C9986
`;

describe("maskSecrets", () => {
  it("hides every secret value the engine found, keeping every line where it was", async () => {
    const file = { path: "app.yaml", content: TEMPLATE };
    const { graph } = await buildGraph([file]);
    const { content, masked } = maskSecrets(file.content, graph.facts.secrets);
    for (const secret of ["Tr0ub4dor&3-horse", KEY_BODY[0]!, KEY_BODY[1]!, "AKIA2E0A8F3B244C9986"])
      expect(content).not.toContain(secret);
    const before = TEMPLATE.split("\n");
    const after = content.split("\n");
    expect(after).toHaveLength(before.length);
    expect(after[7]).toBe(`      MasterUserPassword: "${SECRET_MASK}"`);
    expect(after[16]).toBe(`            ${SECRET_MASK}`);
    expect(after[18]).toBe(`          AWS_KEY_ID: ${SECRET_MASK}`);
    // Lines without secrets are untouched.
    expect(after.filter((l, i) => l !== before[i])).toHaveLength(masked.reduce((n, m) => n + m.lines, 0));
    expect(masked.map((m) => [m.line, m.kind])).toEqual([
      [8, "password"],
      [15, "private-key"],
      [19, "aws-access-key"],
    ]);
    expect(masked[1]!.lines).toBe(4);
  });

  it("leaves a file without secrets as it is", async () => {
    const file = { path: "b.yaml", content: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n" };
    const { graph } = await buildGraph([file]);
    expect(maskSecrets(file.content, graph.facts.secrets)).toEqual({ content: file.content, masked: [] });
  });
});
