import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

const sgCfn = (rules: string, egress = "") =>
  cfn(`
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: test
      SecurityGroupIngress:
${rules}${egress ? `\n      SecurityGroupEgress:\n${egress}` : ""}
`);

const ruleCfn = (proto: string, from: number, to: number, cidr = "CidrIp: 0.0.0.0/0") =>
  `        - { IpProtocol: ${proto}, FromPort: ${from}, ToPort: ${to}, ${cidr} }`;

const sgTf = (blocks: string) =>
  tf(`
  resource "aws_security_group" "group" {
    name = "test"
${blocks}
  }
`);

export const ruleTf = (kind: string, proto: string, from: number, to: number, cidr = 'cidr_blocks = ["0.0.0.0/0"]') =>
  `    ${kind} {\n      protocol  = "${proto}"\n      from_port = ${from}\n      to_port   = ${to}\n      ${cidr}\n    }`;

const privateRule = ruleCfn("tcp", 22, 22, "CidrIp: 10.0.0.0/16");

const webRule = ruleCfn("tcp", 443, 443);

export const SG_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-SG-001",
    cfn: {
      pos: [
        sgCfn(ruleCfn("tcp", 22, 22)),
        sgCfn(ruleCfn("tcp", 22, 22, "CidrIpv6: ::/0")),
        // A public /8 is someone else's network, not a trusted source.
        sgCfn(ruleCfn("tcp", 22, 22, "CidrIp: 52.0.0.0/8")),
        // Any /0 is the whole internet, whatever its address part.
        sgCfn(ruleCfn("tcp", 22, 22, "CidrIp: 192.168.1.0/0")),
        // A rule resource whose group is declared elsewhere.
        cfn(`
          Ssh:
            Type: AWS::EC2::SecurityGroupIngress
            Properties: { GroupId: sg-0123456789abcdef0, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
        `),
      ],
      neg: [sgCfn(privateRule), sgCfn(webRule)],
    },
    tf: {
      pos: [
        sgTf(ruleTf("ingress", "tcp", 22, 22)),
        tf(`
          resource "aws_security_group" "group" {}
          resource "aws_vpc_security_group_ingress_rule" "ssh" {
            security_group_id = aws_security_group.group.id
            ip_protocol       = "tcp"
            from_port         = 22
            to_port           = 22
            cidr_ipv4         = "0.0.0.0/0"
          }
        `),
        tf(`
          resource "aws_vpc_security_group_ingress_rule" "ssh" {
            security_group_id = "sg-0123456789abcdef0"
            ip_protocol       = "tcp"
            from_port         = 22
            to_port           = 22
            cidr_ipv4         = "0.0.0.0/0"
          }
        `),
      ],
      neg: [
        sgTf(ruleTf("ingress", "tcp", 22, 22, 'cidr_blocks = ["10.0.0.0/8"]')),
        sgTf(ruleTf("ingress", "tcp", 22, 22, 'cidr_blocks = ["203.0.113.0/24"]')),
      ],
    },
  },
  {
    rule: "TL-AWS-SG-002",
    cfn: {
      pos: [
        sgCfn(ruleCfn("tcp", 3389, 3389)),
        cfn(`
          Group:
            Type: AWS::EC2::SecurityGroup
            Properties: { GroupDescription: test }
          Rdp:
            Type: AWS::EC2::SecurityGroupIngress
            Properties: { GroupId: !Ref Group, IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0 }
        `),
      ],
      neg: [sgCfn(ruleCfn("tcp", 3389, 3389, "SourceSecurityGroupId: sg-0123456789abcdef0"))],
    },
    tf: {
      pos: [
        tf(`
          resource "aws_security_group" "group" {}
          resource "aws_security_group_rule" "rdp" {
            type              = "ingress"
            security_group_id = aws_security_group.group.id
            protocol          = "tcp"
            from_port         = 3389
            to_port           = 3389
            cidr_blocks       = ["0.0.0.0/0"]
          }
        `),
      ],
      neg: [sgTf(ruleTf("ingress", "tcp", 443, 443))],
    },
  },
  {
    rule: "TL-AWS-SG-003",
    cfn: {
      pos: [sgCfn(ruleCfn("tcp", 5432, 5432)), sgCfn(ruleCfn("tcp", 6379, 6379))],
      neg: [sgCfn(ruleCfn("tcp", 3306, 3306, "CidrIp: 10.0.0.0/16"))],
    },
    tf: { pos: [sgTf(ruleTf("ingress", "tcp", 3306, 3306))], neg: [sgTf(ruleTf("ingress", "tcp", 443, 443))] },
  },
  {
    rule: "TL-AWS-SG-004",
    cfn: { pos: [sgCfn(ruleCfn('"-1"', 0, 0)), sgCfn(ruleCfn("tcp", 0, 65535))], neg: [sgCfn(webRule)] },
    tf: {
      pos: [sgTf(ruleTf("ingress", "-1", 0, 0))],
      neg: [sgTf(ruleTf("ingress", "-1", 0, 0, 'cidr_blocks = ["10.0.0.0/8"]'))],
    },
  },
  {
    rule: "TL-AWS-SG-005",
    cfn: { pos: [sgCfn(ruleCfn("tcp", 23, 23)), sgCfn(ruleCfn("tcp", 5985, 5986))], neg: [sgCfn(webRule)] },
    tf: {
      pos: [sgTf(ruleTf("ingress", "tcp", 445, 445))],
      neg: [sgTf(ruleTf("ingress", "tcp", 445, 445, 'cidr_blocks = ["10.1.0.0/16"]'))],
    },
  },
  {
    rule: "TL-AWS-SG-006",
    cfn: {
      pos: [sgCfn(ruleCfn("tcp", 8000, 8100))],
      neg: [sgCfn(webRule), sgCfn(ruleCfn("tcp", 8000, 8100, "CidrIp: 10.0.0.0/16"))],
    },
    tf: {
      pos: [sgTf(ruleTf("ingress", "tcp", 30000, 30100))],
      // A range with a database port in it is reported as that port (TL-AWS-SG-003), once.
      neg: [sgTf(ruleTf("ingress", "tcp", 443, 443)), sgTf(ruleTf("ingress", "tcp", 1024, 2048))],
    },
  },
  {
    rule: "TL-AWS-SG-007",
    cfn: {
      pos: [sgCfn(webRule, `        - { IpProtocol: "-1", CidrIp: 0.0.0.0/0 }`)],
      neg: [sgCfn(webRule, `        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }`)],
    },
    tf: {
      pos: [sgTf(`${ruleTf("ingress", "tcp", 443, 443)}\n${ruleTf("egress", "-1", 0, 0)}`)],
      neg: [sgTf(`${ruleTf("ingress", "tcp", 443, 443)}\n${ruleTf("egress", "tcp", 443, 443)}`)],
    },
  },
  {
    rule: "TL-AWS-SG-008",
    cfn: {
      pos: [sgCfn(ruleCfn("tcp", 8080, 8080, "CidrIpv6: ::/0"))],
      neg: [sgCfn(ruleCfn("tcp", 443, 443, "CidrIpv6: ::/0"))],
    },
    tf: {
      pos: [sgTf(ruleTf("ingress", "tcp", 9000, 9000, 'ipv6_cidr_blocks = ["::/0"]'))],
      neg: [sgTf(ruleTf("ingress", "tcp", 80, 80, 'ipv6_cidr_blocks = ["::/0"]'))],
    },
  },
];
