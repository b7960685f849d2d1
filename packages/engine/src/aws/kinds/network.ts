import type { GraphNode } from "../../graph/types.ts";
import { UNRESOLVED, block, bool, dig, isUnresolved, list, num, present, str, textOf, type Maybe } from "../values.ts";
import type { KindSpec } from "./spec.ts";

/** One ingress or egress permission, one per source range. */
export interface PortRule {
  protocol: Maybe<string>;
  from: Maybe<number>;
  to: Maybe<number>;
  /** `0.0.0.0/0`, `10.0.0.0/8`, `::/0`; `null` when the source is a security group, a prefix list or unresolved. */
  cidr: Maybe<string> | null;
  /** Property path of the rule on the node that declares it. */
  path: string;
  /** The companion resource that declares it, when not the group itself. */
  via?: string;
  /** Property path of the source range (the offending property), on the node that declares the rule. */
  cidrPath?: string;
}

function protocolOf(value: unknown): Maybe<string> {
  const p = str(value);
  if (p === undefined || isUnresolved(p)) return p;
  const lower = p.toLowerCase();
  return lower === "all" || lower === "-1" ? "-1" : lower === "6" ? "tcp" : lower === "17" ? "udp" : lower;
}

function cfnRules(entries: unknown, basePath: string): PortRule[] {
  return list(entries).flatMap((entry, i) => cfnRule(block(entry) ?? {}, `${basePath}.${i}`));
}

function cfnRule(e: Record<string, unknown>, path: string): PortRule[] {
  const base = { protocol: protocolOf(e.IpProtocol), from: num(e.FromPort), to: num(e.ToPort), path };
  const out: PortRule[] = [];
  if (e.CidrIp !== undefined) out.push({ ...base, cidr: str(e.CidrIp) ?? null, cidrPath: `${path}.CidrIp` });
  if (e.CidrIpv6 !== undefined) out.push({ ...base, cidr: str(e.CidrIpv6) ?? null, cidrPath: `${path}.CidrIpv6` });
  if (out.length === 0) out.push({ ...base, cidr: null });
  return out;
}

function tfRules(entries: unknown, basePath: string): PortRule[] {
  return list(entries).flatMap((entry, i) => tfRule(block(entry) ?? {}, `${basePath}.${i}`));
}

function tfRule(e: Record<string, unknown>, path: string): PortRule[] {
  const base = { protocol: protocolOf(e.protocol ?? e.ip_protocol), from: num(e.from_port), to: num(e.to_port), path };
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  const cidrs = (["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"] as const).flatMap((key) =>
    list(e[key]).map((c) => ({ cidr: c, cidrPath: at(key) })),
  );
  if (cidrs.length === 0) return [{ ...base, cidr: null }];
  return cidrs.map(({ cidr, cidrPath }) => ({ ...base, cidr: str(cidr) ?? null, cidrPath }));
}

const addRules =
  (direction: "ingress" | "egress") =>
  (target: GraphNode, companion: GraphNode): void => {
    const rules = (companion.attrs.rules as PortRule[] | undefined) ?? [];
    const kind = companion.attrs.direction ?? direction;
    const key = kind === "egress" ? "egress" : "ingress";
    target.attrs[key] = [
      ...((target.attrs[key] as PortRule[] | undefined) ?? []),
      ...rules.map((r) => ({ ...r, via: companion.id })),
    ];
  };

/** Compute resources that boot from an AMI: the same rules hold whichever way they are declared. */
export const INSTANCE_KINDS = [
  "aws.ec2.instance",
  "aws.ec2.launch-template",
  "aws.autoscaling.launch-configuration",
] as const;

function cfnVolumes(mappings: unknown): Maybe<boolean> {
  const ebs = list(mappings)
    .map((m) => dig(m, "Ebs"))
    .filter((e) => e !== undefined);
  if (ebs.length === 0) return undefined;
  const flags = ebs.map((e) => bool(dig(e, "Encrypted")) ?? false);
  if (flags.some((f) => f === false)) return false;
  return flags.some(isUnresolved) ? UNRESOLVED : true;
}

function tfVolumes(...groups: unknown[]): Maybe<boolean> {
  const devices = groups.flatMap(list);
  if (devices.length === 0) return undefined;
  const flags = devices.map((d) => bool(dig(d, "encrypted")) ?? bool(dig(d, "ebs.encrypted")) ?? false);
  if (flags.some((f) => f === false)) return false;
  return flags.some(isUnresolved) ? UNRESOLVED : true;
}

export const NETWORK_SPECS: KindSpec[] = [
  {
    kind: "aws.ec2.security-group",
    types: {
      "AWS::EC2::SecurityGroup": (b) => ({
        name: str(b.GroupName),
        ingress: cfnRules(b.SecurityGroupIngress, "Properties.SecurityGroupIngress"),
        egress:
          b.SecurityGroupEgress === undefined
            ? undefined
            : cfnRules(b.SecurityGroupEgress, "Properties.SecurityGroupEgress"),
        isDefault: false,
      }),
      aws_security_group: (b) => ({
        name: str(b.name),
        ingress: tfRules(b.ingress, "ingress"),
        egress: b.egress === undefined ? undefined : tfRules(b.egress, "egress"),
        isDefault: false,
      }),
      aws_default_security_group: (b) => ({
        ingress: tfRules(b.ingress, "ingress"),
        egress: tfRules(b.egress, "egress"),
        isDefault: true,
      }),
    },
    paths: {
      ingress: ["Properties.SecurityGroupIngress", "ingress"],
      egress: ["Properties.SecurityGroupEgress", "egress"],
    },
  },
  {
    kind: "aws.ec2.security-group-rule",
    types: {
      "AWS::EC2::SecurityGroupIngress": (b) => ({ direction: "ingress", rules: cfnRule(b, "Properties") }),
      "AWS::EC2::SecurityGroupEgress": (b) => ({ direction: "egress", rules: cfnRule(b, "Properties") }),
      aws_security_group_rule: (b) => ({
        direction: str(b.type) === "egress" ? "egress" : "ingress",
        rules: tfRule(b, ""),
      }),
      aws_vpc_security_group_ingress_rule: (b) => ({ direction: "ingress", rules: tfRule(b, "") }),
      aws_vpc_security_group_egress_rule: (b) => ({ direction: "egress", rules: tfRule(b, "") }),
    },
    fold: [
      {
        via: ["GroupId", "GroupName", "security_group_id"],
        into: ["aws.ec2.security-group"],
        byName: "name",
        apply: addRules("ingress"),
      },
    ],
  },
  {
    kind: "aws.ec2.vpc",
    types: {
      "AWS::EC2::VPC": (b) => ({ cidr: str(b.CidrBlock), flowLogs: false }),
      aws_vpc: (b) => ({ cidr: str(b.cidr_block), flowLogs: false }),
      aws_default_vpc: () => ({ flowLogs: false, isDefault: true }),
    },
    paths: { flowLogs: ["", ""] },
  },
  {
    kind: "aws.ec2.flow-log",
    types: { "AWS::EC2::FlowLog": () => ({}), aws_flow_log: () => ({}) },
    fold: [
      {
        via: ["ResourceId", "vpc_id", "subnet_id"],
        into: ["aws.ec2.vpc", "aws.ec2.subnet"],
        apply: (t) => void (t.attrs.flowLogs = true),
      },
    ],
  },
  {
    kind: "aws.ec2.subnet",
    types: {
      "AWS::EC2::Subnet": (b) => ({
        mapPublicIp: bool(b.MapPublicIpOnLaunch) ?? false,
        public: bool(b.MapPublicIpOnLaunch) === true,
      }),
      aws_subnet: (b) => ({
        mapPublicIp: bool(b.map_public_ip_on_launch) ?? false,
        public: bool(b.map_public_ip_on_launch) === true,
      }),
      aws_default_subnet: () => ({ mapPublicIp: true, public: true, isDefault: true }),
    },
    paths: { mapPublicIp: ["Properties.MapPublicIpOnLaunch", "map_public_ip_on_launch"] },
  },
  {
    kind: "aws.ec2.internet-gateway",
    types: { "AWS::EC2::InternetGateway": () => ({}), aws_internet_gateway: () => ({}) },
  },
  {
    kind: "aws.ec2.route-table",
    types: {
      "AWS::EC2::RouteTable": () => ({ routes: [] }),
      aws_route_table: (b) => ({
        routes: list(b.route).map((r) => ({
          cidr: str(dig(r, "cidr_block")) ?? str(dig(r, "ipv6_cidr_block")),
          gateway: str(dig(r, "gateway_id")),
        })),
      }),
      aws_default_route_table: (b) => ({
        routes: list(b.route).map((r) => ({ cidr: str(dig(r, "cidr_block")), gateway: str(dig(r, "gateway_id")) })),
      }),
    },
  },
  {
    kind: "aws.ec2.route",
    types: {
      "AWS::EC2::Route": (b) => ({
        cidr: str(b.DestinationCidrBlock) ?? str(b.DestinationIpv6CidrBlock),
        gateway: str(b.GatewayId),
      }),
      aws_route: (b) => ({
        cidr: str(b.destination_cidr_block) ?? str(b.destination_ipv6_cidr_block),
        gateway: str(b.gateway_id),
      }),
    },
  },
  {
    kind: "aws.ec2.route-table-association",
    types: { "AWS::EC2::SubnetRouteTableAssociation": () => ({}), aws_route_table_association: () => ({}) },
  },
  {
    kind: "aws.ec2.network-acl",
    types: {
      "AWS::EC2::NetworkAcl": () => ({ entries: [] }),
      aws_network_acl: (b) => ({
        entries: [
          ...list(b.ingress).map((e, i) => ({
            ...tfAcl(e),
            egress: false,
            path: `ingress.${i}`,
            cidrPath: `ingress.${i}.cidr_block`,
          })),
          ...list(b.egress).map((e, i) => ({ ...tfAcl(e), egress: true, path: `egress.${i}` })),
        ],
      }),
      aws_default_network_acl: (b) => ({
        entries: list(b.ingress).map((e, i) => ({
          ...tfAcl(e),
          egress: false,
          path: `ingress.${i}`,
          cidrPath: `ingress.${i}.cidr_block`,
        })),
      }),
    },
  },
  {
    kind: "aws.ec2.network-acl-entry",
    types: {
      "AWS::EC2::NetworkAclEntry": (b) => ({
        entry: {
          number: num(b.RuleNumber),
          allow: str(b.RuleAction) === "allow",
          egress: bool(b.Egress) === true,
          cidr: str(b.CidrBlock) ?? str(b.Ipv6CidrBlock),
          protocol: protocolOf(b.Protocol),
          from: num(dig(b, "PortRange.From")),
          to: num(dig(b, "PortRange.To")),
          path: "Properties",
          cidrPath: b.CidrBlock !== undefined ? "Properties.CidrBlock" : "Properties.Ipv6CidrBlock",
        },
      }),
      aws_network_acl_rule: (b) => ({
        entry: {
          number: num(b.rule_number),
          allow: str(b.rule_action) === "allow",
          egress: bool(b.egress) === true,
          cidr: str(b.cidr_block) ?? str(b.ipv6_cidr_block),
          protocol: protocolOf(b.protocol),
          from: num(b.from_port),
          to: num(b.to_port),
          path: "",
          cidrPath: b.cidr_block !== undefined ? "cidr_block" : "ipv6_cidr_block",
        },
      }),
    },
    fold: [
      {
        via: ["NetworkAclId", "network_acl_id"],
        into: ["aws.ec2.network-acl"],
        apply: (t, c) =>
          void (t.attrs.entries = [
            ...((t.attrs.entries as unknown[]) ?? []),
            { ...(c.attrs.entry as object), via: c.id },
          ]),
      },
    ],
  },
  {
    kind: "aws.ec2.instance",
    types: {
      "AWS::EC2::Instance": (b, r) => ({
        userData: textOf(dig(r.properties, "Properties.UserData")),
        imdsTokens: undefined,
        hopLimit: undefined,
        publicIp: publicIpCfn(b.NetworkInterfaces),
        ebsEncrypted: cfnVolumes(b.BlockDeviceMappings),
        monitoring: bool(b.Monitoring) ?? false,
        launchTemplate: present(b.LaunchTemplate),
      }),
      aws_instance: (b, r) => ({
        userData: textOf(r.properties.user_data),
        imdsTokens: str(dig(b, "metadata_options.http_tokens")),
        hopLimit: num(dig(b, "metadata_options.http_put_response_hop_limit")),
        publicIp: bool(b.associate_public_ip_address),
        ebsEncrypted: tfVolumes(b.root_block_device, b.ebs_block_device) ?? (b.root_block_device ? false : undefined),
        monitoring: bool(b.monitoring) ?? false,
        launchTemplate: present(b.launch_template),
      }),
    },
    paths: {
      imdsTokens: ["Properties.LaunchTemplate", "metadata_options.0.http_tokens"],
      hopLimit: [null, "metadata_options.0.http_put_response_hop_limit"],
      publicIp: ["Properties.NetworkInterfaces", "associate_public_ip_address"],
      ebsEncrypted: ["Properties.BlockDeviceMappings", "root_block_device"],
      userData: ["Properties.UserData", "user_data"],
      monitoring: ["Properties.Monitoring", "monitoring"],
    },
  },
  {
    kind: "aws.ec2.launch-template",
    types: {
      "AWS::EC2::LaunchTemplate": (b, r) => {
        const d = block(b.LaunchTemplateData) ?? {};
        return {
          userData: textOf(dig(r.properties, "Properties.LaunchTemplateData.UserData")),
          imdsTokens: str(dig(d, "MetadataOptions.HttpTokens")),
          hopLimit: num(dig(d, "MetadataOptions.HttpPutResponseHopLimit")),
          publicIp: publicIpCfn(d.NetworkInterfaces),
          ebsEncrypted: cfnVolumes(d.BlockDeviceMappings),
          monitoring: bool(dig(d, "Monitoring.Enabled")) ?? false,
        };
      },
      aws_launch_template: (b, r) => ({
        userData: textOf(r.properties.user_data),
        imdsTokens: str(dig(b, "metadata_options.http_tokens")),
        hopLimit: num(dig(b, "metadata_options.http_put_response_hop_limit")),
        publicIp: bool(dig(b, "network_interfaces.associate_public_ip_address")),
        ebsEncrypted: tfVolumes(b.block_device_mappings),
        monitoring: bool(dig(b, "monitoring.enabled")) ?? false,
      }),
    },
    paths: {
      imdsTokens: ["Properties.LaunchTemplateData.MetadataOptions", "metadata_options.0.http_tokens"],
      hopLimit: [
        "Properties.LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit",
        "metadata_options.0.http_put_response_hop_limit",
      ],
      publicIp: ["Properties.LaunchTemplateData.NetworkInterfaces", "network_interfaces"],
      ebsEncrypted: ["Properties.LaunchTemplateData.BlockDeviceMappings", "block_device_mappings"],
      userData: ["Properties.LaunchTemplateData.UserData", "user_data"],
      monitoring: ["Properties.LaunchTemplateData.Monitoring", "monitoring"],
    },
  },
  {
    kind: "aws.autoscaling.launch-configuration",
    types: {
      "AWS::AutoScaling::LaunchConfiguration": (b, r) => ({
        userData: textOf(dig(r.properties, "Properties.UserData")),
        imdsTokens: str(dig(b, "MetadataOptions.HttpTokens")),
        hopLimit: num(dig(b, "MetadataOptions.HttpPutResponseHopLimit")),
        publicIp: bool(b.AssociatePublicIpAddress),
        ebsEncrypted: cfnVolumes(b.BlockDeviceMappings),
        monitoring: bool(b.InstanceMonitoring) ?? true,
      }),
      aws_launch_configuration: (b, r) => ({
        userData: textOf(r.properties.user_data),
        imdsTokens: str(dig(b, "metadata_options.http_tokens")),
        hopLimit: num(dig(b, "metadata_options.http_put_response_hop_limit")),
        publicIp: bool(b.associate_public_ip_address),
        ebsEncrypted: tfVolumes(b.root_block_device, b.ebs_block_device) ?? (b.root_block_device ? false : undefined),
        monitoring: bool(b.enable_monitoring) ?? true,
      }),
    },
    paths: {
      imdsTokens: ["Properties.MetadataOptions", "metadata_options.0.http_tokens"],
      hopLimit: [
        "Properties.MetadataOptions.HttpPutResponseHopLimit",
        "metadata_options.0.http_put_response_hop_limit",
      ],
      publicIp: ["Properties.AssociatePublicIpAddress", "associate_public_ip_address"],
      ebsEncrypted: ["Properties.BlockDeviceMappings", "root_block_device"],
      userData: ["Properties.UserData", "user_data"],
      monitoring: ["Properties.InstanceMonitoring", "enable_monitoring"],
    },
  },
  {
    kind: "aws.autoscaling.group",
    types: {
      "AWS::AutoScaling::AutoScalingGroup": (b) => ({ minSize: num(b.MinSize), maxSize: num(b.MaxSize) }),
      aws_autoscaling_group: (b) => ({ minSize: num(b.min_size), maxSize: num(b.max_size) }),
    },
  },
  {
    kind: "aws.ec2.volume",
    role: "data-store",
    types: {
      "AWS::EC2::Volume": (b) => ({ encrypted: bool(b.Encrypted) ?? false }),
      aws_ebs_volume: (b) => ({ encrypted: bool(b.encrypted) ?? false }),
    },
    paths: { encrypted: ["Properties.Encrypted", "encrypted"] },
  },
];

function publicIpCfn(interfaces: unknown): Maybe<boolean> {
  const flags = list(interfaces).map((i) => bool(dig(i, "AssociatePublicIpAddress")));
  if (flags.includes(true)) return true;
  if (flags.some(isUnresolved)) return UNRESOLVED;
  if (flags.includes(false)) return false;
  return undefined;
}

function tfAcl(e: unknown): Record<string, unknown> {
  return {
    number: num(dig(e, "rule_no")),
    allow: str(dig(e, "action")) === "allow",
    cidr: str(dig(e, "cidr_block")) ?? str(dig(e, "ipv6_cidr_block")),
    protocol: protocolOf(dig(e, "protocol")),
    from: num(dig(e, "from_port")),
    to: num(dig(e, "to_port")),
  };
}
