import { INSTANCE_KINDS } from "../kinds/network.ts";
import { at, awsRule, secretsIn } from "./define.ts";

// TL-AWS-EC2: EC2 instances, launch templates and EBS volumes.

export const EC2_RULES = [
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
];
