import { cfn, tf, type RuleCase } from "../harness.ts";

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
const ruleTf = (kind: string, proto: string, from: number, to: number, cidr = 'cidr_blocks = ["0.0.0.0/0"]') =>
  `    ${kind} {\n      protocol  = "${proto}"\n      from_port = ${from}\n      to_port   = ${to}\n      ${cidr}\n    }`;

const privateRule = ruleCfn("tcp", 22, 22, "CidrIp: 10.0.0.0/16");
const webRule = ruleCfn("tcp", 443, 443);

const instanceCfn = (props: string) =>
  cfn(`
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);
const hardenedTemplateCfn = cfn(`
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions: { HttpTokens: required, HttpPutResponseHopLimit: 1 }
        Monitoring: { Enabled: true }
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs: { Encrypted: true }
        UserData:
          Fn::Base64: |
            #!/bin/bash
            curl -fsSL https://example.com/agent.sh | bash
  Host:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate:
        LaunchTemplateId: !Ref Template
        Version: !GetAtt Template.LatestVersionNumber
      Monitoring: true
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs: { Encrypted: true }
`);
const instanceTf = (body: string) =>
  tf(`
  resource "aws_instance" "host" {
    ami = "ami-12345678"
${body}
  }
`);
const hardenedInstanceTf = instanceTf(`
    monitoring = true
    metadata_options {
      http_tokens                 = "required"
      http_put_response_hop_limit = 1
    }
    root_block_device {
      encrypted = true
    }
    user_data = "#!/bin/bash\\ncurl -fsSL https://example.com/agent.sh | bash"
`);

export const NETWORK_CASES: RuleCase[] = [
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
  {
    rule: "TL-AWS-EC2-001",
    cfn: {
      pos: [
        instanceCfn("InstanceType: t3.micro"),
        cfn(`
          Template:
            Type: AWS::EC2::LaunchTemplate
            Properties:
              LaunchTemplateData:
                MetadataOptions: { HttpTokens: optional }
        `),
      ],
      neg: [hardenedTemplateCfn],
    },
    tf: { pos: [instanceTf('    instance_type = "t3.micro"')], neg: [hardenedInstanceTf] },
  },
  {
    rule: "TL-AWS-EC2-002",
    cfn: {
      pos: [
        instanceCfn(
          "NetworkInterfaces:\n  - DeviceIndex: '0'\n    AssociatePublicIpAddress: true\n    SubnetId: subnet-1",
        ),
      ],
      neg: [
        instanceCfn(
          "NetworkInterfaces:\n  - DeviceIndex: '0'\n    AssociatePublicIpAddress: false\n    SubnetId: subnet-1",
        ),
      ],
    },
    tf: {
      pos: [instanceTf("    associate_public_ip_address = true")],
      neg: [instanceTf("    associate_public_ip_address = false")],
    },
  },
  {
    rule: "TL-AWS-EC2-003",
    cfn: {
      pos: [
        instanceCfn("BlockDeviceMappings:\n  - DeviceName: /dev/xvda\n    Ebs: { VolumeSize: 20 }"),
        instanceCfn("InstanceType: t3.micro"),
      ],
      neg: [hardenedTemplateCfn],
    },
    tf: { pos: [instanceTf("    root_block_device {\n      volume_size = 20\n    }")], neg: [hardenedInstanceTf] },
  },
  {
    rule: "TL-AWS-EC2-004",
    cfn: {
      pos: [
        instanceCfn(
          'UserData:\n  Fn::Base64: |\n    #!/bin/bash\n    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n    export DB_PASSWORD="S3cr3tPassw0rd!"',
        ),
      ],
      neg: [hardenedTemplateCfn, instanceCfn("UserData:\n  Fn::Base64: |\n    #!/bin/bash\n    yum install -y httpd")],
    },
    tf: {
      pos: [
        instanceTf('    user_data = <<-EOF\n      #!/bin/bash\n      export DB_PASSWORD="S3cr3tPassw0rd!"\n    EOF'),
      ],
      neg: [hardenedInstanceTf],
    },
  },
  {
    rule: "TL-AWS-EC2-005",
    cfn: {
      pos: [instanceCfn("UserData:\n  Fn::Base64: |\n    #!/bin/bash\n    curl http://example.com/install.sh | bash")],
      neg: [hardenedTemplateCfn],
    },
    tf: {
      pos: [instanceTf('    user_data = "#!/bin/bash\\nwget http://example.com/agent.rpm"')],
      neg: [hardenedInstanceTf],
    },
  },
  {
    rule: "TL-AWS-EC2-006",
    cfn: { pos: [instanceCfn("Monitoring: false")], neg: [hardenedTemplateCfn] },
    tf: { pos: [instanceTf("    monitoring = false")], neg: [hardenedInstanceTf] },
  },
  {
    rule: "TL-AWS-EC2-007",
    cfn: {
      pos: [
        cfn(`
          Template:
            Type: AWS::EC2::LaunchTemplate
            Properties:
              LaunchTemplateData:
                MetadataOptions: { HttpTokens: required, HttpPutResponseHopLimit: 3 }
        `),
      ],
      neg: [hardenedTemplateCfn],
    },
    tf: {
      pos: [
        instanceTf(
          '    metadata_options {\n      http_tokens                 = "required"\n      http_put_response_hop_limit = 2\n    }',
        ),
      ],
      neg: [hardenedInstanceTf],
    },
  },
  {
    rule: "TL-AWS-EC2-008",
    cfn: {
      pos: [
        cfn(`\n  Volume:\n    Type: AWS::EC2::Volume\n    Properties: { Size: 10, AvailabilityZone: eu-west-1a }\n`),
      ],
      neg: [
        cfn(
          `\n  Volume:\n    Type: AWS::EC2::Volume\n    Properties: { Size: 10, AvailabilityZone: eu-west-1a, Encrypted: true }\n`,
        ),
      ],
    },
    tf: {
      pos: [tf(`resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-1a"\n  size              = 10\n}`)],
      neg: [
        tf(
          `resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-1a"\n  size              = 10\n  encrypted         = true\n}`,
        ),
      ],
    },
  },
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
