import { locate } from "../../graph/locate.ts";
import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { INSTANCE_KINDS, type PortRule } from "../kinds/network.ts";
import {
  describePorts,
  describeSource,
  isUntrusted,
  isWorld,
  opensEverything,
  opensPort,
  portCount,
} from "../ports.ts";
import { at, awsRule, secretsIn, type Hit } from "./define.ts";

const SG = ["aws.ec2.security-group"];

/** A network ACL entry, inline or an entry resource folded into its ACL (`via`). */
type AclEntry = PortRule & { allow: boolean; egress: boolean; number?: unknown };

export const DATABASE_PORTS: Record<number, string> = {
  1433: "SQL Server",
  1521: "Oracle",
  3306: "MySQL",
  5432: "PostgreSQL",
  5439: "Redshift",
  6379: "Redis",
  7000: "Cassandra",
  8182: "Neptune",
  9042: "Cassandra",
  9200: "Elasticsearch/OpenSearch",
  11211: "Memcached",
  27017: "MongoDB/DocumentDB",
};

const REMOTE_PORTS: Record<number, string> = {
  20: "FTP data",
  21: "FTP",
  23: "Telnet",
  135: "MS RPC",
  139: "NetBIOS",
  161: "SNMP",
  445: "SMB",
  2375: "Docker API",
  2376: "Docker API (TLS)",
  5900: "VNC",
  5985: "WinRM",
  5986: "WinRM (HTTPS)",
  10250: "kubelet",
};

function remotePorts(rule: PortRule): number[] {
  return Object.keys(REMOTE_PORTS)
    .map(Number)
    .filter((p) => opensPort(rule, p));
}

/** Remote-access ports closed to the world, reachable from the admin network's group only. */
const remoteFix = (from: number, to: number) => ({
  cloudformation: `# delete the rule that opens ${from === to ? `port ${from}` : `ports ${from}-${to}`} to the internet, or allow only the admin network:\nSecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: ${from}\n    ToPort: ${to}\n    SourceSecurityGroupId: !Ref AdminSecurityGroup`,
  terraform: `# delete the rule that opens ${from === to ? `port ${from}` : `ports ${from}-${to}`} to the internet, or allow only the admin network:\ningress {\n  from_port       = ${from}\n  to_port         = ${to}\n  protocol        = "tcp"\n  security_groups = [aws_security_group.admin.id]\n}`,
});

function databasePorts(rule: PortRule): string[] {
  return Object.entries(DATABASE_PORTS)
    .filter(([port]) => opensPort(rule, Number(port)))
    .map(([port, name]) => `${port} (${name})`);
}

/** The rule resources (`AWS::EC2::SecurityGroupIngress`, `aws_security_group_rule` …) of a group or of itself. */
const RULE_KIND = "aws.ec2.security-group-rule";
const SG_KINDS = [...SG, RULE_KIND];

/**
 * The permissions a node reports: a group's own inline rules and the rule resources folded into it; a rule
 * resource's own, when its group is not in the analysis (declared elsewhere, or looked up by id).
 */
function permissions(node: GraphNode, ctx: RuleContext, direction: "ingress" | "egress"): PortRule[] {
  if (node.kind !== RULE_KIND) return (node.attrs[direction] as PortRule[] | undefined) ?? [];
  if (ctx.out(node.id).some((n) => n.kind === "aws.ec2.security-group")) return [];
  if ((node.attrs.direction ?? "ingress") !== direction) return [];
  return (node.attrs.rules as PortRule[] | undefined) ?? [];
}

/** Where a permission is written: the source range on the group or on the rule resource that declares it. */
function located(node: GraphNode, ctx: RuleContext, r: PortRule): { at: GraphNode; path: string } {
  const holder = (r.via ? ctx.byId.get(r.via) : undefined) ?? node;
  const path = r.cidrPath && r.cidrPath in holder.propertyLines ? r.cidrPath : r.path;
  return { at: holder, path };
}

const SSH = "TL-AWS-SG-001";
const RDP = "TL-AWS-SG-002";
const DATABASE = "TL-AWS-SG-003";
const EVERYTHING = "TL-AWS-SG-004";
const REMOTE = "TL-AWS-SG-005";
const RANGE = "TL-AWS-SG-006";
const IPV6 = "TL-AWS-SG-008";

/**
 * The one weakness an ingress permission from an untrusted source is reported as, the most severe: a rule
 * opening 0-1024 to the world is "SSH open" (naming the range), not SSH + FTP + a wide range.
 */
function ingressWeakness(r: PortRule): string | undefined {
  if (!isUntrusted(r.cidr)) return undefined;
  if (opensEverything(r)) return EVERYTHING;
  if (opensPort(r, 22)) return SSH;
  if (opensPort(r, 3389)) return RDP;
  if (databasePorts(r).length > 0) return DATABASE;
  if (remotePorts(r).length > 0) return REMOTE;
  if (portCount(r) > 10) return RANGE;
  const web = portCount(r) <= 2 && (opensPort(r, 80) || opensPort(r, 443));
  if (typeof r.cidr === "string" && r.cidr.includes(":") && !web) return IPV6;
  return undefined;
}

/** Ingress permissions of `node` whose weakness is `rule`, one hit each with the evidence on its source range. */
function ingressHits(node: GraphNode, ctx: RuleContext, rule: string, more?: (r: PortRule) => string): Hit[] {
  return permissions(node, ctx, "ingress")
    .filter((r) => ingressWeakness(r) === rule)
    .map((r) => {
      const { at: holder, path } = located(node, ctx, r);
      const protocol = r.protocol === "-1" ? "all protocols" : typeof r.protocol === "string" ? r.protocol : "?";
      return {
        paths: holder === node ? [path] : [],
        ...(holder === node ? {} : { locations: [locate(holder, path)] }),
        detail: `${node.id} allows ${describePorts(r)} (${protocol}) from ${describeSource(r.cidr)}${holder === node ? "" : `, by ${holder.id}`}.${more ? ` ${more(r)}` : ""}`,
        related: holder === node ? [] : [holder],
      };
    });
}

const portsFix = (port: number) => ({
  cloudformation: `SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: ${port}\n    ToPort: ${port}\n    CidrIp: 10.0.0.0/16 # the admin network or a bastion's group, never 0.0.0.0/0`,
  terraform: `ingress {\n  from_port   = ${port}\n  to_port     = ${port}\n  protocol    = "tcp"\n  cidr_blocks = ["10.0.0.0/16"] # never 0.0.0.0/0\n}`,
});

export const NETWORK_RULES = [
  awsRule({
    id: "TL-AWS-SG-001",
    title: "Security group allows SSH from the internet",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    kinds: SG_KINDS,
    description:
      "Security group {resource} allows TCP port 22 from the internet (0.0.0.0/0, ::/0 or a public range as wide as a /8), exposing SSH to credential brute force and exploits.",
    remediation:
      "Allow SSH only from a known admin network or a bastion's security group, or use SSM Session Manager instead of SSH.",
    fix: portsFix(22),
    cwe: ["CWE-284", "CWE-307"],
    capec: ["CAPEC-49", "CAPEC-112"],
    attack: ["T1021.004", "T1110"],
    test: (node, ctx) => ingressHits(node, ctx, SSH),
  }),
  awsRule({
    id: "TL-AWS-SG-002",
    title: "Security group allows RDP from the internet",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    kinds: SG_KINDS,
    description:
      "Security group {resource} allows TCP port 3389 from the internet, exposing Remote Desktop to brute force and exploits such as BlueKeep.",
    remediation: "Allow RDP only from a known admin network or through Fleet Manager / a bastion.",
    fix: portsFix(3389),
    cwe: ["CWE-284", "CWE-307"],
    capec: ["CAPEC-49"],
    attack: ["T1021.001", "T1110"],
    test: (node, ctx) => ingressHits(node, ctx, RDP),
  }),
  awsRule({
    id: "TL-AWS-SG-003",
    title: "Security group allows a database port from the internet",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: SG_KINDS,
    description:
      "Security group {resource} allows a database port (MySQL, PostgreSQL, SQL Server, Redis, MongoDB …) from the internet.",
    remediation: "Allow database ports only from the application tier's security group.",
    fix: {
      cloudformation:
        "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 3306\n    ToPort: 3306\n    SourceSecurityGroupId: !Ref AppSecurityGroup",
      terraform:
        'ingress {\n  from_port       = 3306\n  to_port         = 3306\n  protocol        = "tcp"\n  security_groups = [aws_security_group.app.id]\n}',
    },
    cwe: ["CWE-284"],
    capec: ["CAPEC-49"],
    attack: ["T1190"],
    test: (node, ctx) => ingressHits(node, ctx, DATABASE, (r) => `Database ports: ${databasePorts(r).join(", ")}.`),
  }),
  awsRule({
    id: "TL-AWS-SG-004",
    title: "Security group allows all traffic from the internet",
    category: "ElevationOfPrivilege",
    likelihood: 4,
    impact: 5,
    kinds: SG_KINDS,
    description:
      "Security group {resource} allows every port (or every protocol) from the internet: any service listening on attached resources is reachable.",
    why: "Rated lower (medium) when only load balancers use the group: a load balancer accepts connections on its listener ports only, so the open rule reaches the listeners today — and any listener added later.",
    remediation: "Allow only the ports the service needs, from the sources that need them.",
    fix: {
      cloudformation:
        "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIp: 0.0.0.0/0",
      terraform:
        'ingress {\n  from_port   = 443\n  to_port     = 443\n  protocol    = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}',
    },
    cwe: ["CWE-284"],
    capec: ["CAPEC-49"],
    attack: ["T1190"],
    test: (node, ctx) => {
      // A load balancer accepts connections on its listener ports only: "every port" on a group that only load
      // balancers use reaches those listeners today, and any listener added later — worth fixing, not critical.
      const users = ctx
        .in(node.id, "security-group")
        .filter((n) => n.kind !== "aws.ec2.security-group" && n.kind !== "aws.ec2.security-group-rule");
      const onlyBalancers = users.length > 0 && users.every((n) => n.kind === "aws.elb.load-balancer");
      if (!onlyBalancers) return ingressHits(node, ctx, EVERYTHING);
      const names = users.map((n) => n.id).join(", ");
      return ingressHits(node, ctx, EVERYTHING).map((hit) => ({
        ...hit,
        likelihood: 2,
        detail: `${hit.detail} Only ${names} use${users.length === 1 ? "s" : ""} the group, and a load balancer answers on its listener ports only: today that is the listeners, and any listener added later is open to the internet too.`,
        related: [...(hit.related ?? []), ...users],
      }));
    },
  }),
  awsRule({
    id: "TL-AWS-SG-005",
    title: "Security group allows an insecure remote-access port from the internet",
    category: "Spoofing",
    likelihood: 3,
    impact: 4,
    kinds: SG_KINDS,
    description:
      "Security group {resource} allows Telnet, FTP, SMB, RPC, SNMP, VNC, WinRM, the Docker API or the kubelet from the internet.",
    remediation: "Close these ports to the internet; reach such services through a VPN or SSM.",
    fix: remoteFix(23, 23),
    cwe: ["CWE-284", "CWE-319"],
    capec: ["CAPEC-49"],
    attack: ["T1021", "T1133"],
    test: (node, ctx) => {
      const hits = ingressHits(node, ctx, REMOTE);
      // The fix names the port the rule opens (Telnet, FTP …), not a stand-in.
      const match = permissions(node, ctx, "ingress").find((r) => ingressWeakness(r) === REMOTE);
      const ports = match ? remotePorts(match) : [];
      const [first, ...rest] = hits;
      if (!first) return [];
      return [ports.length > 0 ? { ...first, fix: remoteFix(Math.min(...ports), Math.max(...ports)) } : first, ...rest];
    },
  }),
  awsRule({
    id: "TL-AWS-SG-006",
    title: "Security group opens a wide port range to the internet",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    kinds: SG_KINDS,
    description:
      "Security group {resource} opens a range of more than 10 ports to the internet, exposing whatever listens on any of them.",
    remediation: "Open individual ports, not ranges.",
    fix: {
      cloudformation:
        "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIp: 0.0.0.0/0",
      terraform:
        'ingress {\n  from_port   = 443\n  to_port     = 443\n  protocol    = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}',
    },
    cwe: ["CWE-284"],
    attack: ["T1046"],
    test: (node, ctx) => ingressHits(node, ctx, RANGE),
  }),
  awsRule({
    id: "TL-AWS-SG-007",
    title: "Security group allows all outbound traffic to the internet",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: SG_KINDS,
    description:
      "Security group {resource} explicitly allows every protocol and port out to 0.0.0.0/0, so a compromised resource can exfiltrate data or reach command and control freely.",
    remediation:
      "Allow egress only to the destinations and ports the workload needs (HTTPS to VPC endpoints, the database port to the database group).",
    fix: {
      cloudformation:
        "SecurityGroupEgress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    DestinationPrefixListId: pl-63a5400a # S3 gateway endpoint",
      terraform:
        'egress {\n  from_port       = 443\n  to_port         = 443\n  protocol        = "tcp"\n  prefix_list_ids = [aws_vpc_endpoint.s3.prefix_list_id]\n}',
    },
    cwe: ["CWE-284"],
    attack: ["T1041", "T1071"],
    exposedBoost: 0,
    test: (node, ctx) => {
      const open = permissions(node, ctx, "egress").filter((r) => isWorld(r.cidr) && opensEverything(r));
      if (open.length === 0) return null;
      const where = open.map((r) => located(node, ctx, r));
      return {
        paths: where.filter((w) => w.at === node).map((w) => w.path),
        locations: where.map((w) => ({ file: w.at.file, line: w.at.propertyLines[w.path] ?? w.at.line, path: w.path })),
        related: where.map((w) => w.at).filter((n) => n !== node),
      };
    },
  }),
  awsRule({
    id: "TL-AWS-SG-008",
    title: "Security group allows ingress from the whole IPv6 internet",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    kinds: SG_KINDS,
    description:
      "Security group {resource} allows a non-web port from ::/0. IPv6 rules are often overlooked when IPv4 is locked down.",
    remediation: "Restrict IPv6 ingress to the same sources as IPv4, or remove it.",
    fix: {
      cloudformation:
        "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIpv6: ::/0 # only web ports to the world",
      terraform:
        'ingress {\n  from_port        = 443\n  to_port          = 443\n  protocol         = "tcp"\n  ipv6_cidr_blocks = ["::/0"]\n}',
    },
    cwe: ["CWE-284"],
    test: (node, ctx) => ingressHits(node, ctx, IPV6),
  }),
  awsRule({
    id: "TL-AWS-EC2-001",
    title: "Instance metadata service allows IMDSv1",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    kinds: INSTANCE_KINDS,
    description:
      "{resource} does not require IMDSv2 session tokens: a server-side request forgery in the workload can read the instance role's credentials from the metadata service.",
    remediation: "Require IMDSv2 (HttpTokens: required) in the metadata options or the launch template.",
    fix: {
      cloudformation:
        "LaunchTemplateData:\n  MetadataOptions:\n    HttpTokens: required\n    HttpPutResponseHopLimit: 1",
      terraform:
        'metadata_options {\n  http_endpoint               = "enabled"\n  http_tokens                 = "required"\n  http_put_response_hop_limit = 1\n}',
    },
    cwe: ["CWE-918", "CWE-522"],
    capec: ["CAPEC-664"],
    attack: ["T1552.005"],
    test: (node) =>
      node.attrs.imdsTokens !== "required" &&
      typeof node.attrs.imdsTokens !== "object" && { paths: [at(node, "imdsTokens")] },
  }),
  awsRule({
    id: "TL-AWS-EC2-002",
    title: "Instance gets a public IP address",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: INSTANCE_KINDS,
    description:
      "{resource} associates a public IP address, so its security groups are all that stand between it and the internet.",
    remediation: "Place instances in private subnets behind a load balancer or NAT, and do not associate public IPs.",
    fix: {
      cloudformation:
        "NetworkInterfaces:\n  - DeviceIndex: 0\n    AssociatePublicIpAddress: false\n    SubnetId: !Ref PrivateSubnet",
      terraform: "associate_public_ip_address = false\nsubnet_id                   = aws_subnet.private.id",
    },
    cwe: ["CWE-284"],
    attack: ["T1133"],
    test: (node) => node.attrs.publicIp === true && { paths: [at(node, "publicIp")] },
  }),
  awsRule({
    id: "TL-AWS-EC2-003",
    title: "Instance volumes are not encrypted",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: INSTANCE_KINDS,
    description:
      "{resource} does not encrypt its EBS volumes: snapshots and detached volumes expose the data (unless the account enforces EBS encryption by default).",
    remediation: "Set Encrypted on every block device (or turn on EBS encryption by default for the account).",
    fix: {
      cloudformation:
        "BlockDeviceMappings:\n  - DeviceName: /dev/xvda\n    Ebs:\n      Encrypted: true\n      KmsKeyId: !Ref EbsKey",
      terraform: "root_block_device {\n  encrypted  = true\n  kms_key_id = aws_kms_key.ebs.arn\n}",
    },
    cwe: ["CWE-311"],
    attack: ["T1530"],
    test: (node) =>
      (node.attrs.ebsEncrypted === false || node.attrs.ebsEncrypted === undefined) && {
        paths: [at(node, "ebsEncrypted")],
      },
  }),
  awsRule({
    id: "TL-AWS-EC2-004",
    title: "Secrets in instance user data",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 5,
    kinds: INSTANCE_KINDS,
    description:
      "The user data of {resource} contains a hard-coded secret. User data is readable by anyone who can describe the instance and from the metadata service inside it.",
    remediation:
      "Give the instance an IAM role (instance profile) instead of AWS access keys, and fetch other secrets at boot from Secrets Manager or SSM Parameter Store (SecureString) with that role; never embed them. Rotate the exposed values.",
    fix: {
      cloudformation:
        "# AWS keys: give the instance a role instead; other secrets: read them at boot\nIamInstanceProfile: !Ref AppInstanceProfile\nUserData:\n  Fn::Base64: |\n    #!/bin/bash\n    APP_SECRET=$(aws secretsmanager get-secret-value --secret-id app/secret --query SecretString --output text)",
      terraform:
        "# AWS keys: give the instance a role instead; other secrets: read them at boot\niam_instance_profile = aws_iam_instance_profile.app.name\nuser_data            = <<-EOF\n  #!/bin/bash\n  APP_SECRET=$(aws secretsmanager get-secret-value --secret-id app/secret --query SecretString --output text)\nEOF\n",
    },
    cwe: ["CWE-798", "CWE-312"],
    capec: ["CAPEC-191"],
    attack: ["T1552.005"],
    test: (node, ctx) => {
      const found = secretsIn(ctx, node, /UserData|user_data/);
      return (
        found.length > 0 && {
          paths: [at(node, "userData")],
          detail: `The user data of ${node.id} contains ${found.length} hard-coded secret(s) (${[...new Set(found.map((s) => s.kind))].join(", ")}).`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-EC2-005",
    title: "User data downloads code over plain HTTP",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    kinds: INSTANCE_KINDS,
    description:
      "The user data of {resource} downloads with curl or wget over http://; anyone on the path can swap what the instance runs as root at boot.",
    remediation: "Download over HTTPS and verify a checksum or signature, or bake the software into the AMI.",
    fix: {
      cloudformation:
        "UserData:\n  Fn::Base64: |\n    #!/bin/bash\n    curl -fsSL https://example.com/agent.sh -o agent.sh && sha256sum -c agent.sha256 && bash agent.sh",
      terraform:
        "user_data = <<-EOF\n  #!/bin/bash\n  curl -fsSL https://example.com/agent.sh -o agent.sh && sha256sum -c agent.sha256 && bash agent.sh\nEOF\n",
    },
    cwe: ["CWE-494", "CWE-319"],
    capec: ["CAPEC-186"],
    attack: ["T1195"],
    test: (node) =>
      typeof node.attrs.userData === "string" &&
      /\b(curl|wget)\b[^\n]*\bhttp:\/\/(?!169\.254\.169\.254|localhost|127\.)/.test(node.attrs.userData) && {
        paths: [at(node, "userData")],
      },
  }),
  awsRule({
    id: "TL-AWS-EC2-006",
    title: "Detailed monitoring is disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 2,
    kinds: INSTANCE_KINDS,
    description: "{resource} uses basic five-minute monitoring, which blurs the timeline of an incident.",
    remediation: "Enable detailed (one-minute) monitoring for instances that matter.",
    fix: { cloudformation: "Properties:\n  Monitoring: true", terraform: "monitoring = true" },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.monitoring === false && { paths: [at(node, "monitoring")] },
  }),
  awsRule({
    id: "TL-AWS-EC2-007",
    title: "Metadata response hop limit lets containers reach instance credentials",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 3,
    kinds: INSTANCE_KINDS,
    description:
      "{resource} sets the IMDS hop limit above 1, so containers on the instance can read the instance role's credentials.",
    remediation:
      "Keep HttpPutResponseHopLimit at 1 unless containers must reach IMDS, and give containers their own roles (IRSA, ECS task roles).",
    fix: {
      cloudformation: "MetadataOptions:\n  HttpTokens: required\n  HttpPutResponseHopLimit: 1",
      terraform: 'metadata_options {\n  http_tokens                 = "required"\n  http_put_response_hop_limit = 1\n}',
    },
    cwe: ["CWE-522"],
    attack: ["T1552.005"],
    test: (node) =>
      typeof node.attrs.hopLimit === "number" && node.attrs.hopLimit > 1 && { paths: [at(node, "hopLimit")] },
  }),
  awsRule({
    id: "TL-AWS-EC2-008",
    title: "EBS volume is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ec2.volume"],
    description:
      "EBS volume {resource} is not encrypted: its snapshots and the volume itself expose the data to anyone who can attach or share them.",
    remediation: "Set Encrypted with a customer-managed KMS key.",
    fix: {
      cloudformation: "Properties:\n  Encrypted: true\n  KmsKeyId: !Ref EbsKey",
      terraform: "encrypted  = true\nkms_key_id = aws_kms_key.ebs.arn",
    },
    cwe: ["CWE-311"],
    attack: ["T1530"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
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
];
