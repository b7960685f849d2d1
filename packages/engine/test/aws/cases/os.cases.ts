import { tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, publicStatementTf } from "./fixtures.ts";

const goodSearchCfn = one(
  "AWS::OpenSearchService::Domain",
  "VPCOptions: { SubnetIds: [subnet-1] }\nEncryptionAtRestOptions: { Enabled: true }\nNodeToNodeEncryptionOptions: { Enabled: true }\nDomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07 }\nAdvancedSecurityOptions: { Enabled: true }\nLogPublishingOptions: { AUDIT_LOGS: { Enabled: true, CloudWatchLogsLogGroupArn: arn:aws:logs:x } }\nClusterConfig: { ZoneAwarenessEnabled: true }\nAccessPolicies:\n  Statement:\n    - { Effect: Allow, Principal: { AWS: arn:aws:iam::111122223333:role/app }, Action: 'es:*', Resource: '*' }",
  "Search",
);

const badSearchCfn = one(
  "AWS::OpenSearchService::Domain",
  "AccessPolicies:\n  Statement:\n    - { Effect: Allow, Principal: '*', Action: 'es:*', Resource: '*' }\nDomainEndpointOptions: { EnforceHTTPS: false }",
  "Search",
);

const goodSearchTf = res(
  "aws_opensearch_domain",
  'domain_name = "search"\nvpc_options {\n  subnet_ids = ["subnet-1"]\n}\nencrypt_at_rest {\n  enabled = true\n}\nnode_to_node_encryption {\n  enabled = true\n}\ndomain_endpoint_options {\n  enforce_https = true\n  tls_security_policy = "Policy-Min-TLS-1-2-2019-07"\n}\nadvanced_security_options {\n  enabled = true\n}\nlog_publishing_options {\n  log_type = "AUDIT_LOGS"\n  cloudwatch_log_group_arn = "arn:aws:logs:x"\n}\ncluster_config {\n  zone_awareness_enabled = true\n}',
);

const badSearchTf = tf(`
  resource "aws_opensearch_domain" "this" {
    domain_name = "search"
  }
  resource "aws_opensearch_domain_policy" "this" {
    domain_name     = aws_opensearch_domain.this.domain_name
    access_policies = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*", Resource = "*" }] })
  }
`);

export const OS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-OS-001",
    cfn: {
      pos: [badSearchCfn, one("AWS::Elasticsearch::Domain", "ElasticsearchVersion: '7.10'")],
      neg: [goodSearchCfn],
    },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-002",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: {
      pos: [
        badSearchTf,
        tf(
          `resource "aws_opensearch_domain_policy" "p" {\n  domain_name     = "search-of-another-stack"\n  access_policies = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [
        goodSearchTf,
        tf(
          `resource "aws_opensearch_domain_policy" "p" {\n  domain_name     = "search-of-another-stack"\n  access_policies = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "es:ESHttp*", Resource = "*", Condition = { IpAddress = { "aws:SourceIp" = ["10.0.0.0/8"] } } }] })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-OS-003",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-004",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-005",
    cfn: {
      pos: [
        badSearchCfn,
        one(
          "AWS::OpenSearchService::Domain",
          "DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: Policy-Min-TLS-1-0-2019-07 }",
        ),
      ],
      neg: [goodSearchCfn],
    },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-006",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-007",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-008",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
];
