import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-OS: OpenSearch Service.

export const OS_RULES = [
  awsRule({
    id: "TL-AWS-OS-001",
    title: "OpenSearch domain has a public endpoint",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.opensearch.domain"],
    description:
      "Domain {resource} is not placed in a VPC: its endpoint is reachable from the internet, protected only by its access policy.",
    remediation: "Place the domain in private subnets (VPCOptions).",
    fix: {
      cloudformation:
        "Properties:\n  VPCOptions:\n    SubnetIds:\n      - !Ref PrivateSubnet\n    SecurityGroupIds:\n      - !Ref SearchSecurityGroup",
      terraform:
        "vpc_options {\n  subnet_ids         = [aws_subnet.private.id]\n  security_group_ids = [aws_security_group.search.id]\n}",
    },
    cwe: ["CWE-284", "CWE-668"],
    attack: ["T1190"],
    test: (node) => node.attrs.vpc === false && { paths: [at(node, "vpc")] },
  }),
  awsRule({
    id: "TL-AWS-OS-002",
    title: "OpenSearch access policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 5,
    kinds: policyKinds("aws.opensearch.domain"),
    description:
      'The access policy of {resource} allows Principal "*" without a condition: anyone who reaches the endpoint can read and write the indexes.',
    remediation: "Grant access to named roles, or restrict with aws:SourceIp / fine-grained access control.",
    fix: {
      cloudformation:
        "AccessPolicies:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !GetAtt SearchClientRole.Arn\n      Action: es:ESHttp*\n      Resource: !Sub arn:aws:es:${AWS::Region}:${AWS::AccountId}:domain/search/*",
      terraform:
        'access_policies = jsonencode({\n  Version = "2012-10-17"\n  Statement = [{\n    Effect    = "Allow"\n    Principal = { AWS = aws_iam_role.search_client.arn }\n    Action    = "es:ESHttp*"\n    Resource  = "${aws_opensearch_domain.this.arn}/*"\n  }]\n})',
    },
    cwe: ["CWE-284", "CWE-732"],
    attack: ["T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.opensearch.domain"),
  }),
  awsRule({
    id: "TL-AWS-OS-003",
    title: "OpenSearch encryption at rest is disabled",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} stores indexes and snapshots unencrypted.",
    remediation: "Enable encryption at rest.",
    fix: {
      cloudformation: "Properties:\n  EncryptionAtRestOptions:\n    Enabled: true",
      terraform: "encrypt_at_rest {\n  enabled = true\n}",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encryptionAtRest === false && { paths: [at(node, "encryptionAtRest")] },
  }),
  awsRule({
    id: "TL-AWS-OS-004",
    title: "OpenSearch node-to-node encryption is disabled",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Nodes of domain {resource} talk to each other in plaintext.",
    remediation: "Enable node-to-node encryption.",
    fix: {
      cloudformation: "Properties:\n  NodeToNodeEncryptionOptions:\n    Enabled: true",
      terraform: "node_to_node_encryption {\n  enabled = true\n}",
    },
    cwe: ["CWE-319"],
    attack: ["T1040"],
    test: (node) => node.attrs.nodeToNode === false && { paths: [at(node, "nodeToNode")] },
  }),
  awsRule({
    id: "TL-AWS-OS-005",
    title: "OpenSearch does not enforce HTTPS with a current TLS policy",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} accepts plain HTTP or TLS 1.0/1.1 connections.",
    remediation: "Enforce HTTPS with the TLS 1.2 (or later) security policy.",
    fix: {
      cloudformation:
        "Properties:\n  DomainEndpointOptions:\n    EnforceHTTPS: true\n    TLSSecurityPolicy: Policy-Min-TLS-1-2-PFS-2023-10",
      terraform:
        'domain_endpoint_options {\n  enforce_https       = true\n  tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"\n}',
    },
    cwe: ["CWE-319", "CWE-326"],
    test: (node) =>
      (node.attrs.enforceHttps === false || node.attrs.tlsPolicy === "Policy-Min-TLS-1-0-2019-07") && {
        paths: [at(node, "enforceHttps")],
      },
  }),
  awsRule({
    id: "TL-AWS-OS-006",
    title: "OpenSearch fine-grained access control is disabled",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.opensearch.domain"],
    description:
      "Domain {resource} has no fine-grained access control: every authorized caller can read and change every index.",
    remediation:
      "Enable advanced security options with an internal user database or IAM master user, and map roles per index.",
    fix: {
      cloudformation:
        "Properties:\n  AdvancedSecurityOptions:\n    Enabled: true\n    InternalUserDatabaseEnabled: false\n    MasterUserOptions:\n      MasterUserARN: !GetAtt SearchAdminRole.Arn",
      terraform:
        "advanced_security_options {\n  enabled                        = true\n  internal_user_database_enabled = false\n  master_user_options {\n    master_user_arn = aws_iam_role.search_admin.arn\n  }\n}",
    },
    cwe: ["CWE-285"],
    test: (node) => node.attrs.fineGrained === false && { paths: [at(node, "fineGrained")] },
  }),
  awsRule({
    id: "TL-AWS-OS-007",
    title: "OpenSearch audit logs are not published",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} publishes no audit logs: who searched or changed what is not recorded.",
    remediation: "Publish AUDIT_LOGS to CloudWatch Logs (requires fine-grained access control).",
    fix: {
      cloudformation:
        "Properties:\n  LogPublishingOptions:\n    AUDIT_LOGS:\n      Enabled: true\n      CloudWatchLogsLogGroupArn: !GetAtt SearchAuditLogs.Arn",
      terraform:
        'log_publishing_options {\n  log_type                 = "AUDIT_LOGS"\n  cloudwatch_log_group_arn = aws_cloudwatch_log_group.search_audit.arn\n}',
    },
    cwe: ["CWE-778"],
    test: (node) => node.attrs.auditLogs === false && { paths: [at(node, "auditLogs")] },
  }),
  awsRule({
    id: "TL-AWS-OS-008",
    title: "OpenSearch zone awareness is disabled",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} runs in one availability zone; an outage there makes the cluster unavailable.",
    remediation: "Enable zone awareness across two or three zones.",
    fix: {
      cloudformation:
        "Properties:\n  ClusterConfig:\n    ZoneAwarenessEnabled: true\n    ZoneAwarenessConfig:\n      AvailabilityZoneCount: 3",
      terraform:
        "cluster_config {\n  zone_awareness_enabled = true\n  zone_awareness_config {\n    availability_zone_count = 3\n  }\n}",
    },
    cwe: ["CWE-400"],
    exposedBoost: 0,
    test: (node) => node.attrs.zoneAwareness === false && { paths: [at(node, "zoneAwareness")] },
  }),
];
