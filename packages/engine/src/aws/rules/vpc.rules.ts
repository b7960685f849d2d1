import { locate } from "../../graph/locate.ts";
import type { PortRule } from "../kinds/network.ts";
import { describePorts, describeSource, isUntrusted, isWorld, opensPort } from "../ports.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-VPC: VPCs, subnets, network ACLs and flow logs.

const SG = ["aws.ec2.security-group"];

/** A network ACL entry, inline or an entry resource folded into its ACL (`via`). */
type AclEntry = PortRule & { allow: boolean; egress: boolean; number?: unknown };

export const VPC_RULES = [
  awsRule({
    id: "TL-AWS-VPC-001",
    title: "VPC has no flow logs",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.ec2.vpc"],
    description: "VPC {resource} records no flow logs: connections to and from its resources cannot be investigated.",
    remediation: "Add a flow log for the VPC to CloudWatch Logs or S3.",
    fix: {
      cloudformation:
        "VpcFlowLog:\n  Type: AWS::EC2::FlowLog\n  Properties:\n    ResourceId: !Ref Vpc\n    ResourceType: VPC\n    TrafficType: ALL\n    LogDestinationType: s3\n    LogDestination: !GetAtt FlowLogBucket.Arn",
      terraform:
        'resource "aws_flow_log" "vpc" {\n  vpc_id               = aws_vpc.main.id\n  traffic_type         = "ALL"\n  log_destination_type = "s3"\n  log_destination      = aws_s3_bucket.flow_logs.arn\n}',
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => node.attrs.flowLogs === false && { paths: [""] },
  }),
  awsRule({
    id: "TL-AWS-VPC-002",
    title: "Default security group allows traffic",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: SG,
    description:
      "The default security group {resource} has rules; every resource launched without an explicit group gets them.",
    remediation: "Leave the default security group without any ingress or egress rule and attach explicit groups.",
    fix: {
      cloudformation:
        "# CloudFormation cannot manage the default group's rules; remove them with AWS Config remediation (vpc-default-security-group-closed)",
      terraform:
        'resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n  # no ingress and no egress blocks\n}',
    },
    cwe: ["CWE-284"],
    test: (node) => {
      if (node.attrs.isDefault !== true) return null;
      const rules = [...((node.attrs.ingress as PortRule[]) ?? []), ...((node.attrs.egress as PortRule[]) ?? [])];
      return rules.length > 0 && { paths: rules.map((r) => r.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-VPC-003",
    title: "Network ACL allows administration ports or all traffic from the internet",
    category: "Spoofing",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ec2.network-acl", "aws.ec2.network-acl-entry"],
    description:
      "Network ACL {resource} allows inbound SSH, RDP or all ports from 0.0.0.0/0, so subnet-level filtering adds no protection.",
    remediation: "Deny administration ports from the internet in the network ACL; allow only what the subnet serves.",
    fix: {
      cloudformation:
        "DenySsh:\n  Type: AWS::EC2::NetworkAclEntry\n  Properties:\n    NetworkAclId: !Ref Acl\n    RuleNumber: 90\n    Protocol: 6\n    RuleAction: deny\n    CidrBlock: 0.0.0.0/0\n    PortRange: { From: 22, To: 22 }",
      terraform:
        'ingress {\n  rule_no    = 90\n  protocol   = "tcp"\n  action     = "deny"\n  cidr_block = "0.0.0.0/0"\n  from_port  = 22\n  to_port    = 22\n}',
    },
    cwe: ["CWE-284"],
    attack: ["T1021"],
    test: (node, ctx) => {
      let entries: AclEntry[];
      if (node.kind === "aws.ec2.network-acl-entry") {
        // An entry of an ACL declared here is reported with the ACL; one of an ACL declared elsewhere, alone.
        if (ctx.out(node.id).some((n) => n.kind === "aws.ec2.network-acl")) return null;
        entries = [node.attrs.entry as AclEntry];
      } else entries = (node.attrs.entries as AclEntry[] | undefined) ?? [];
      const ingress = entries.filter((e) => e !== undefined && !e.egress);
      const admin = (e: PortRule): number[] => [22, 3389].filter((p) => opensPort(e, p));
      // ACL entries are evaluated in rule-number order: a lower deny for the same port and source wins.
      const deniedFirst = (e: AclEntry): boolean =>
        ingress.some(
          (d) =>
            !d.allow &&
            typeof d.number === "number" &&
            typeof e.number === "number" &&
            d.number < e.number &&
            (isWorld(d.cidr) || d.cidr === e.cidr) &&
            admin(e).every((p) => opensPort(d, p)),
        );
      const bad = ingress.filter((e) => e.allow && isUntrusted(e.cidr) && admin(e).length > 0 && !deniedFirst(e));
      if (bad.length === 0) return null;
      return bad.map((e) => {
        const holder = (e.via ? ctx.byId.get(e.via) : undefined) ?? node;
        const path = e.cidrPath && e.cidrPath in holder.propertyLines ? e.cidrPath : e.path;
        return {
          paths: holder === node ? [path] : [],
          locations: [locate(holder, path)],
          related: holder === node ? [] : [holder],
          detail: `${node.id} allows ${describePorts(e)} in from ${describeSource(e.cidr)}${holder === node ? "" : ` (${holder.id})`}.`,
        };
      });
    },
  }),
  awsRule({
    id: "TL-AWS-VPC-004",
    title: "Subnet assigns public IP addresses automatically",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.ec2.subnet"],
    description:
      "Subnet {resource} gives every instance launched in it a public IP address, whether or not it should be reachable.",
    remediation:
      "Turn off MapPublicIpOnLaunch and give public addresses explicitly to the few resources that need one.",
    fix: { cloudformation: "Properties:\n  MapPublicIpOnLaunch: false", terraform: "map_public_ip_on_launch = false" },
    cwe: ["CWE-284"],
    // A default subnet is reported as the default VPC's (TL-AWS-VPC-005), once.
    test: (node) =>
      node.attrs.mapPublicIp === true && node.attrs.isDefault !== true && { paths: [at(node, "mapPublicIp")] },
  }),
  awsRule({
    id: "TL-AWS-VPC-005",
    title: "The account's default VPC is used",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ec2.vpc", "aws.ec2.subnet"],
    description:
      "{resource} brings the account's default VPC (or one of its subnets) under management: its subnets give every instance a public IP and route to the internet, and nothing in it was designed for the workload.",
    remediation:
      "Create a VPC of your own with private subnets for the workload, and remove (or leave empty) the default VPC.",
    fix: {
      cloudformation:
        "Vpc:\n  Type: AWS::EC2::VPC\n  Properties:\n    CidrBlock: 10.0.0.0/16\nPrivateSubnet:\n  Type: AWS::EC2::Subnet\n  Properties:\n    VpcId: !Ref Vpc\n    CidrBlock: 10.0.1.0/24\n    MapPublicIpOnLaunch: false",
      terraform:
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\nresource "aws_subnet" "private" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = "10.0.1.0/24"\n  map_public_ip_on_launch = false\n}',
    },
    cwe: ["CWE-1188"],
    exposedBoost: 0,
    test: (node) => node.attrs.isDefault === true && { paths: [""] },
  }),
];
