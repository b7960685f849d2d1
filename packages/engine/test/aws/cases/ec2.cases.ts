import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

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

export const EC2_CASES: RuleCase[] = [
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
];
