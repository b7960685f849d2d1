import { describe, expect, it } from "vitest";
import { cfn, run, tf } from "./harness.ts";

const lineOf = (text: string, needle: string): number => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("security group and network ACL rule resources", () => {
  it("puts the evidence on the rule resource's source range, with the group as the threat's resource", async () => {
    const text = tf(`
      resource "aws_security_group" "app" {
        name = "app"
      }
      resource "aws_security_group_rule" "ssh" {
        type              = "ingress"
        security_group_id = aws_security_group.app.id
        protocol          = "tcp"
        from_port         = 22
        to_port           = 22
        cidr_blocks       = ["0.0.0.0/0"]
      }
    `);
    const { threats } = await run("main.tf", text);
    const ssh = threats.filter((t) => t.ruleId === "TL-AWS-SG-001");
    expect(ssh).toHaveLength(1);
    expect(ssh[0]!.resources.map((r) => r.id)).toEqual(["aws_security_group.app", "aws_security_group_rule.ssh"]);
    expect(ssh[0]!.evidence).toEqual([{ file: "main.tf", line: lineOf(text, "cidr_blocks"), path: "cidr_blocks" }]);
  });

  it("reports one threat for one rule: SSH in a range is SSH, not also an insecure port and a wide range", async () => {
    const text = cfn(`
      Legacy:
        Type: AWS::EC2::SecurityGroupIngress
        Properties: { GroupId: sg-0123456789abcdef0, IpProtocol: tcp, FromPort: 20, ToPort: 25, CidrIp: 0.0.0.0/0 }
    `);
    const { threats } = await run("t.yaml", text);
    const open = threats.filter((t) => /^TL-AWS-SG-/.test(t.ruleId ?? ""));
    expect(open.map((t) => [t.ruleId, t.resources[0]!.id])).toEqual([["TL-AWS-SG-001", "Legacy"]]);
    expect(open[0]!.evidence[0]!.line).toBe(lineOf(text, "CidrIp"));
  });

  it("reports an ACL entry of an ACL declared elsewhere on the entry, at its CIDR", async () => {
    const text = cfn(`
      AllowSsh:
        Type: AWS::EC2::NetworkAclEntry
        Properties:
          NetworkAclId: acl-0123456789abcdef0
          RuleNumber: 100
          Protocol: 6
          RuleAction: allow
          CidrBlock: 0.0.0.0/0
          PortRange: { From: 22, To: 22 }
    `);
    const { threats } = await run("t.yaml", text);
    const acl = threats.filter((t) => t.ruleId === "TL-AWS-VPC-003");
    expect(acl.map((t) => t.resources[0]!.id)).toEqual(["AllowSsh"]);
    expect(acl[0]!.evidence[0]!.line).toBe(lineOf(text, "CidrBlock"));
  });
});
