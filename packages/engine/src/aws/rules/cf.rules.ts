import { OUTDATED_CLOUDFRONT_TLS } from "../kinds/entry-points.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-CF: CloudFront.

const CF = ["aws.cloudfront.distribution"];

export const CF_RULES = [
  awsRule({
    id: "TL-AWS-CF-001",
    title: "CloudFront serves content over plain HTTP",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: CF,
    description:
      "A cache behavior of distribution {resource} uses viewer protocol policy allow-all, so viewers can fetch content (and send cookies) over HTTP.",
    remediation: "Use redirect-to-https or https-only for every cache behavior.",
    fix: {
      cloudformation: "DefaultCacheBehavior:\n  ViewerProtocolPolicy: redirect-to-https",
      terraform: 'default_cache_behavior {\n  viewer_protocol_policy = "redirect-to-https"\n}',
    },
    cwe: ["CWE-319"],
    capec: ["CAPEC-157"],
    attack: ["T1557"],
    exposedBoost: 0,
    test: (node) => {
      const bad = ((node.attrs.viewerPolicies as Array<{ policy: unknown; path: string }>) ?? []).filter(
        (p) => p.policy === "allow-all",
      );
      return bad.length > 0 && { paths: bad.map((p) => p.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-CF-002",
    title: "CloudFront allows outdated TLS versions",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: CF,
    description:
      "Distribution {resource} accepts TLS 1.0/1.1 from viewers (an old minimum protocol version, or the default *.cloudfront.net certificate).",
    remediation: "Use your own ACM certificate with MinimumProtocolVersion TLSv1.2_2021.",
    fix: {
      cloudformation:
        "ViewerCertificate:\n  AcmCertificateArn: !Ref Certificate\n  SslSupportMethod: sni-only\n  MinimumProtocolVersion: TLSv1.2_2021",
      terraform:
        'viewer_certificate {\n  acm_certificate_arn      = aws_acm_certificate.this.arn\n  ssl_support_method       = "sni-only"\n  minimum_protocol_version = "TLSv1.2_2021"\n}',
    },
    cwe: ["CWE-326"],
    capec: ["CAPEC-217"],
    exposedBoost: 0,
    test: (node) =>
      typeof node.attrs.minTls === "string" &&
      OUTDATED_CLOUDFRONT_TLS.test(node.attrs.minTls) && {
        paths: [at(node, "minTls")],
        detail:
          node.attrs.defaultCert === true
            ? `Distribution ${node.id} uses the default CloudFront certificate, which accepts TLS 1.0.`
            : `Distribution ${node.id} accepts ${node.attrs.minTls}.`,
      },
  }),
  awsRule({
    id: "TL-AWS-CF-003",
    title: "CloudFront distribution has no WAF",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    kinds: CF,
    description:
      "Distribution {resource} is not associated with a WAF web ACL; exploits and floods reach the origin unfiltered.",
    remediation: "Associate a global (CLOUDFRONT scope) WAFv2 web ACL.",
    fix: {
      cloudformation: "DistributionConfig:\n  WebACLId: !GetAtt GlobalWebAcl.Arn",
      terraform: "web_acl_id = aws_wafv2_web_acl.global.arn",
    },
    cwe: ["CWE-693"],
    capec: ["CAPEC-66"],
    attack: ["T1190", "T1498"],
    exposedBoost: 0,
    test: (node) => node.attrs.waf === false && { paths: [at(node, "waf")] },
  }),
  awsRule({
    id: "TL-AWS-CF-004",
    title: "CloudFront access logging is disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: CF,
    description: "Distribution {resource} keeps no access logs.",
    remediation: "Enable standard logging to an S3 bucket (or real-time logs).",
    fix: {
      cloudformation: "DistributionConfig:\n  Logging:\n    Bucket: !GetAtt LogBucket.DomainName\n    Prefix: cdn/",
      terraform: 'logging_config {\n  bucket = aws_s3_bucket.logs.bucket_domain_name\n  prefix = "cdn/"\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.logging === false && { paths: [at(node, "logging")] },
  }),
  awsRule({
    id: "TL-AWS-CF-005",
    title: "CloudFront talks to its origin over HTTP",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: CF,
    description:
      "A custom origin of distribution {resource} uses http-only or match-viewer, so requests travel from CloudFront to the origin unencrypted.",
    remediation: "Use OriginProtocolPolicy https-only.",
    fix: {
      cloudformation: "CustomOriginConfig:\n  OriginProtocolPolicy: https-only\n  OriginSSLProtocols: [TLSv1.2]",
      terraform:
        'custom_origin_config {\n  http_port              = 80\n  https_port             = 443\n  origin_protocol_policy = "https-only"\n  origin_ssl_protocols   = ["TLSv1.2"]\n}',
    },
    cwe: ["CWE-319"],
    attack: ["T1557"],
    exposedBoost: 0,
    test: (node) => {
      const bad = ((node.attrs.origins as Array<{ protocolPolicy: unknown; path: string }>) ?? []).filter(
        (o) => o.protocolPolicy === "http-only" || o.protocolPolicy === "match-viewer",
      );
      return bad.length > 0 && { paths: bad.map((o) => o.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-CF-006",
    title: "CloudFront origin accepts outdated SSL/TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: CF,
    description:
      "A custom origin of distribution {resource} allows SSLv3, TLS 1.0 or TLS 1.1 between CloudFront and the origin.",
    remediation: "Allow only TLSv1.2 to origins.",
    fix: {
      cloudformation: "CustomOriginConfig:\n  OriginSSLProtocols: [TLSv1.2]",
      terraform: 'origin_ssl_protocols = ["TLSv1.2"]',
    },
    cwe: ["CWE-326"],
    exposedBoost: 0,
    test: (node) => {
      const bad = ((node.attrs.origins as Array<{ sslProtocols: string[]; path: string }>) ?? []).filter((o) =>
        o.sslProtocols.some((p) => ["SSLv3", "TLSv1", "TLSv1.1"].includes(p)),
      );
      return bad.length > 0 && { paths: bad.map((o) => o.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-CF-007",
    title: "CloudFront S3 origin has no origin access control",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: CF,
    description:
      "An S3 origin of distribution {resource} uses neither origin access control nor an origin access identity, so the bucket must be public for CloudFront to read it, and can be read around CloudFront.",
    remediation: "Use origin access control and a bucket policy that only allows the distribution.",
    fix: {
      cloudformation:
        "Origins:\n  - Id: site\n    DomainName: !GetAtt SiteBucket.RegionalDomainName\n    OriginAccessControlId: !GetAtt SiteOac.Id\n    S3OriginConfig:\n      OriginAccessIdentity: ''",
      terraform:
        'origin {\n  origin_id                = "site"\n  domain_name              = aws_s3_bucket.site.bucket_regional_domain_name\n  origin_access_control_id = aws_cloudfront_origin_access_control.site.id\n}',
    },
    cwe: ["CWE-284"],
    exposedBoost: 0,
    test: (node, ctx) => {
      // An origin whose domain references a bucket of the template is an S3 origin, however it is written.
      const bucketOrigins = new Set(
        ctx.graph.edges
          .filter((e) => e.from === node.id && ctx.byId.get(e.to)?.kind === "aws.s3.bucket" && e.via !== undefined)
          .map((e) => e.via!),
      );
      const bad = ((node.attrs.origins as Array<{ s3: boolean; oac: boolean; path: string }>) ?? []).filter(
        (o) => (o.s3 || [...bucketOrigins].some((via) => via.startsWith(`${o.path}.`))) && !o.oac,
      );
      return bad.length > 0 && { paths: bad.map((o) => o.path) };
    },
  }),
];
