import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

const distCfn = (config: string) =>
  cfn(`
  Dist:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
${config
  .split("\n")
  .map((l) => `        ${l}`)
  .join("\n")}
`);

const goodDistConfig =
  "WebACLId: arn:aws:wafv2:global\nLogging: { Bucket: logs.s3.amazonaws.com }\nViewerCertificate: { AcmCertificateArn: arn:aws:acm:x, SslSupportMethod: sni-only, MinimumProtocolVersion: TLSv1.2_2021 }\nDefaultCacheBehavior: { TargetOriginId: app, ViewerProtocolPolicy: redirect-to-https }\nOrigins:\n  - Id: app\n    DomainName: app.example.com\n    CustomOriginConfig: { OriginProtocolPolicy: https-only, OriginSSLProtocols: [TLSv1.2] }\n  - Id: site\n    DomainName: site.s3.eu-west-1.amazonaws.com\n    OriginAccessControlId: oac-1\n    S3OriginConfig: { OriginAccessIdentity: '' }";

const goodDistCfn = distCfn(goodDistConfig);

const distTf = (body: string) => tf(`resource "aws_cloudfront_distribution" "d" {\n  enabled = true\n${body}\n}`);

const goodDistTf = distTf(`  web_acl_id = "arn:aws:wafv2:global"
  logging_config {
    bucket = "logs.s3.amazonaws.com"
  }
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:x"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "https-only"
  }
  origin {
    origin_id   = "app"
    domain_name = "app.example.com"
    custom_origin_config {
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  origin {
    origin_id                = "site"
    domain_name              = "site.s3.eu-west-1.amazonaws.com"
    origin_access_control_id = "oac-1"
  }`);

const badDistCfn = distCfn(
  "DefaultCacheBehavior: { TargetOriginId: app, ViewerProtocolPolicy: allow-all }\nOrigins:\n  - Id: app\n    DomainName: app.example.com\n    CustomOriginConfig: { OriginProtocolPolicy: http-only, OriginSSLProtocols: [TLSv1, TLSv1.2] }\n  - Id: site\n    DomainName: site.s3.amazonaws.com\n    S3OriginConfig: {}",
);

const badDistTf = distTf(`  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "allow-all"
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
  origin {
    origin_id   = "app"
    domain_name = "app.example.com"
    custom_origin_config {
      origin_protocol_policy = "match-viewer"
      origin_ssl_protocols   = ["TLSv1.1", "TLSv1.2"]
    }
  }
  origin {
    origin_id   = "site"
    domain_name = "site.s3.amazonaws.com"
  }`);

export const CF_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-CF-001",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-002",
    cfn: {
      pos: [
        badDistCfn,
        distCfn("ViewerCertificate: { AcmCertificateArn: arn:aws:acm:x, MinimumProtocolVersion: TLSv1_2016 }"),
      ],
      neg: [goodDistCfn],
    },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-003",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-004",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-005",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-006",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
  {
    rule: "TL-AWS-CF-007",
    cfn: { pos: [badDistCfn], neg: [goodDistCfn] },
    tf: { pos: [badDistTf], neg: [goodDistTf] },
  },
];
