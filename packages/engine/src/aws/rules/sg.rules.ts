import { locate } from "../../graph/locate.ts";
import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import type { PortRule } from "../kinds/network.ts";
import {
  describePorts,
  describeSource,
  isUntrusted,
  isWorld,
  opensEverything,
  opensPort,
  portCount,
} from "../ports.ts";
import { awsRule, type Hit } from "./define.ts";

// TL-AWS-SG: EC2 security groups.

const SG = ["aws.ec2.security-group"];

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

export const SG_RULES = [
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
];
