import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { ruleTf } from "./sg.cases.ts";

export const VPC_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-VPC-001",
    cfn: {
      pos: [cfn(`\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n`)],
      neg: [
        cfn(`
          Vpc:
            Type: AWS::EC2::VPC
            Properties: { CidrBlock: 10.0.0.0/16 }
          FlowLog:
            Type: AWS::EC2::FlowLog
            Properties: { ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3, LogDestination: arn:aws:s3:::flow-logs }
        `),
      ],
    },
    tf: {
      pos: [tf(`resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}`)],
      neg: [
        tf(
          `resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\nresource "aws_flow_log" "main" {\n  vpc_id       = aws_vpc.main.id\n  traffic_type = "ALL"\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-VPC-002",
    tf: {
      pos: [
        tf(
          `resource "aws_default_security_group" "default" {\n  vpc_id = "vpc-1"\n${ruleTf("ingress", "-1", 0, 0, "self = true")}\n}`,
        ),
      ],
      neg: [tf(`resource "aws_default_security_group" "default" {\n  vpc_id = "vpc-1"\n}`)],
    },
  },
  {
    rule: "TL-AWS-VPC-003",
    cfn: {
      pos: [
        cfn(`
          Acl:
            Type: AWS::EC2::NetworkAcl
            Properties: { VpcId: vpc-1 }
          AllowSsh:
            Type: AWS::EC2::NetworkAclEntry
            Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: { From: 22, To: 22 } }
        `),
        // An entry of an ACL declared elsewhere is evaluated on its own.
        cfn(`
          AllowRdp:
            Type: AWS::EC2::NetworkAclEntry
            Properties: { NetworkAclId: acl-0123456789abcdef0, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: { From: 3389, To: 3389 } }
        `),
      ],
      neg: [
        // A lower-numbered deny for the same port wins.
        cfn(`
          Acl:
            Type: AWS::EC2::NetworkAcl
            Properties: { VpcId: vpc-1 }
          DenySsh:
            Type: AWS::EC2::NetworkAclEntry
            Properties: { NetworkAclId: !Ref Acl, RuleNumber: 90, Protocol: 6, RuleAction: deny, CidrBlock: 0.0.0.0/0, PortRange: { From: 22, To: 22 } }
          AllowSsh:
            Type: AWS::EC2::NetworkAclEntry
            Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: { From: 22, To: 22 } }
        `),
        cfn(`
          Acl:
            Type: AWS::EC2::NetworkAcl
            Properties: { VpcId: vpc-1 }
          AllowHttps:
            Type: AWS::EC2::NetworkAclEntry
            Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: { From: 443, To: 443 } }
        `),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_network_acl" "acl" {\n  vpc_id = "vpc-1"\n  ingress {\n    rule_no    = 100\n    protocol   = "-1"\n    action     = "allow"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 0\n    to_port    = 0\n  }\n}`,
        ),
        tf(`
          resource "aws_network_acl_rule" "ssh" {
            network_acl_id = "acl-0123456789abcdef0"
            rule_number    = 100
            egress         = false
            protocol       = "tcp"
            rule_action    = "allow"
            cidr_block     = "0.0.0.0/0"
            from_port      = 22
            to_port        = 22
          }
        `),
      ],
      neg: [
        tf(
          `resource "aws_network_acl" "acl" {\n  vpc_id = "vpc-1"\n  ingress {\n    rule_no    = 100\n    protocol   = "-1"\n    action     = "deny"\n    cidr_block = "0.0.0.0/0"\n    from_port  = 0\n    to_port    = 0\n  }\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-VPC-004",
    cfn: {
      pos: [
        cfn(
          `\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties: { VpcId: vpc-1, CidrBlock: 10.0.1.0/24, MapPublicIpOnLaunch: true }\n`,
        ),
      ],
      neg: [cfn(`\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties: { VpcId: vpc-1, CidrBlock: 10.0.1.0/24 }\n`)],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_subnet" "public" {\n  vpc_id                  = "vpc-1"\n  cidr_block              = "10.0.1.0/24"\n  map_public_ip_on_launch = true\n}`,
        ),
      ],
      neg: [
        tf(`resource "aws_subnet" "private" {\n  vpc_id     = "vpc-1"\n  cidr_block = "10.0.1.0/24"\n}`),
        // A default subnet is the default VPC's weakness (TL-AWS-VPC-005).
        tf(`resource "aws_default_subnet" "a" {\n  availability_zone = "eu-west-1a"\n}`),
      ],
    },
  },
  {
    rule: "TL-AWS-VPC-005",
    tf: {
      pos: [
        tf(`resource "aws_default_vpc" "default" {}`),
        tf(`resource "aws_default_subnet" "a" {\n  availability_zone = "eu-west-1a"\n}`),
      ],
      neg: [tf(`resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}`)],
    },
  },
];
