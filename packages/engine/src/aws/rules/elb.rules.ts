import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { OUTDATED_ELB_POLICY } from "../kinds/entry-points.ts";
import { at, awsRule, nodesOf, type Hit } from "./define.ts";

// TL-AWS-ELB: Elastic Load Balancing.

const LB = ["aws.elb.load-balancer"];

const LISTENER = ["aws.elb.listener"];

type ClassicListener = { protocol: unknown; policyNames?: unknown; path: string };

type ClassicSslPolicy = { name: unknown; weak: string[]; path: string };

/** A classic load balancer's outdated SSL negotiation: weak policies it declares, or the default on a TLS listener. */
function classicSslHits(node: GraphNode, ctx: RuleContext): Hit[] {
  if (node.kind === "aws.elb.classic-policy") {
    const weak = node.attrs.sslWeak;
    if (!Array.isArray(weak) || weak.length === 0) return [];
    return [
      {
        paths: [at(node, "sslWeak")],
        related: ctx.out(node.id).filter((n) => n.kind === "aws.elb.load-balancer"),
        detail: `SSL negotiation policy ${node.id} enables ${weak.join(", ")}.`,
      },
    ];
  }
  if (node.attrs.lbType !== "classic") return [];
  const tls = ((node.attrs.listeners as ClassicListener[] | undefined) ?? []).filter(
    (l) => typeof l.protocol === "string" && ["https", "ssl"].includes(l.protocol.toLowerCase()),
  );
  if (tls.length === 0) return [];
  const declared = node.attrs.sslPolicies;
  if (Array.isArray(declared)) {
    // CloudFormation: the policies the template declares on the load balancer, and which listeners name them.
    const policies = declared as ClassicSslPolicy[];
    const hits: Hit[] = policies
      .filter((p) => p.weak.length > 0)
      .map((p) => ({
        paths: [p.path],
        detail: `SSL negotiation policy ${typeof p.name === "string" ? p.name : "(unnamed)"} of ${node.id} enables ${p.weak.join(", ")}.`,
      }));
    const sslNames = new Set(policies.map((p) => p.name));
    const bare = tls.filter((l) => Array.isArray(l.policyNames) && !l.policyNames.some((n) => sslNames.has(n)));
    if (hits.length === 0 && bare.length > 0)
      hits.push({
        paths: bare.map((l) => l.path),
        likelihood: 1,
        detail: `The TLS listeners of ${node.id} name no SSL negotiation policy, so they use the default ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1.`,
      });
    return hits;
  }
  if (node.format === "cloudformation") return [];
  // Terraform: policies are resources of their own; with none for this load balancer, its TLS listeners use the default.
  const policies = nodesOf(ctx, ["aws.elb.classic-policy"]);
  if (policies.length > 0) return [];
  return [
    {
      paths: tls.map((l) => l.path),
      likelihood: 1,
      detail: `No SSL negotiation policy is attached to ${node.id}, so its TLS listeners use the default ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1.`,
    },
  ];
}

export const ELB_RULES = [
  awsRule({
    id: "TL-AWS-ELB-001",
    title: "Load balancer listener accepts plain HTTP",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: LISTENER,
    description:
      "Listener {resource} serves HTTP without redirecting to HTTPS: credentials and session cookies cross the network in cleartext.",
    remediation: "Serve HTTPS with an ACM certificate, and make the HTTP listener redirect to HTTPS.",
    fix: {
      cloudformation:
        "Properties:\n  Protocol: HTTP\n  Port: 80\n  DefaultActions:\n    - Type: redirect\n      RedirectConfig:\n        Protocol: HTTPS\n        Port: '443'\n        StatusCode: HTTP_301",
      terraform:
        'default_action {\n  type = "redirect"\n  redirect {\n    protocol    = "HTTPS"\n    port        = "443"\n    status_code = "HTTP_301"\n  }\n}',
    },
    cwe: ["CWE-319"],
    capec: ["CAPEC-157", "CAPEC-94"],
    attack: ["T1557", "T1040"],
    test: (node) =>
      node.attrs.protocol === "HTTP" &&
      node.attrs.redirectsToHttps === false && {
        paths: [at(node, "protocol")],
        likelihood: node.attrs.internetFacing === false ? 2 : 3,
      },
  }),
  awsRule({
    id: "TL-AWS-ELB-002",
    title: "Load balancer listener allows outdated TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: LISTENER,
    description:
      "TLS listener {resource} uses a security policy that still accepts TLS 1.0/1.1 (or sets none, which defaults to ELBSecurityPolicy-2016-08).",
    remediation: "Use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06.",
    fix: {
      cloudformation: "Properties:\n  SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06",
      terraform: 'ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"',
    },
    cwe: ["CWE-326", "CWE-327"],
    capec: ["CAPEC-217"],
    test: (node) => {
      if (node.attrs.protocol !== "HTTPS" && node.attrs.protocol !== "TLS") return null;
      const policy = node.attrs.sslPolicy;
      if (typeof policy === "object") return null;
      return (
        (policy === undefined || (typeof policy === "string" && OUTDATED_ELB_POLICY.test(policy))) && {
          paths: [at(node, "sslPolicy")],
          detail: `Listener ${node.id} uses ${policy === undefined ? "the default policy ELBSecurityPolicy-2016-08" : policy}, which accepts TLS 1.0 and 1.1.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ELB-003",
    title: "Load balancer access logs are disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: LB,
    description:
      "Load balancer {resource} keeps no access logs: requests (and attacks) it served cannot be investigated.",
    remediation: "Enable access logs to an S3 bucket.",
    fix: {
      cloudformation:
        "LoadBalancerAttributes:\n  - Key: access_logs.s3.enabled\n    Value: 'true'\n  - Key: access_logs.s3.bucket\n    Value: !Ref AccessLogBucket",
      terraform: "access_logs {\n  bucket  = aws_s3_bucket.lb_logs.id\n  enabled = true\n}",
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => node.attrs.accessLogs === false && { paths: [at(node, "accessLogs")] },
  }),
  awsRule({
    id: "TL-AWS-ELB-004",
    title: "Load balancer deletion protection is disabled",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: LB,
    description:
      "Load balancer {resource} can be deleted by a single API call or stack change, taking the service offline.",
    remediation: "Enable deletion protection.",
    fix: {
      cloudformation: "LoadBalancerAttributes:\n  - Key: deletion_protection.enabled\n    Value: 'true'",
      terraform: "enable_deletion_protection = true",
    },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node) => node.attrs.deletionProtection === false && { paths: [at(node, "deletionProtection")] },
  }),
  awsRule({
    id: "TL-AWS-ELB-005",
    title: "Application load balancer forwards invalid HTTP headers",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: LB,
    description:
      "Application load balancer {resource} does not drop invalid header fields, which helps request smuggling and header injection against its targets.",
    remediation: "Enable routing.http.drop_invalid_header_fields.",
    fix: {
      cloudformation:
        "LoadBalancerAttributes:\n  - Key: routing.http.drop_invalid_header_fields.enabled\n    Value: 'true'",
      terraform: "drop_invalid_header_fields = true",
    },
    cwe: ["CWE-444"],
    capec: ["CAPEC-33"],
    test: (node) =>
      node.attrs.lbType === "application" &&
      node.attrs.dropInvalidHeaders === false && { paths: [at(node, "dropInvalidHeaders")] },
  }),
  awsRule({
    id: "TL-AWS-ELB-006",
    title: "Classic load balancer listener is not encrypted",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: LB,
    description:
      "Classic load balancer {resource} has an HTTP or TCP listener: traffic crosses the network in cleartext.",
    remediation: "Use HTTPS/SSL listeners (better: migrate to an application load balancer).",
    fix: {
      cloudformation:
        "Listeners:\n  - LoadBalancerPort: '443'\n    InstancePort: '80'\n    Protocol: HTTPS\n    SSLCertificateId: !Ref Certificate",
      terraform:
        'listener {\n  lb_port            = 443\n  lb_protocol        = "https"\n  instance_port      = 80\n  instance_protocol  = "http"\n  ssl_certificate_id = aws_acm_certificate.this.arn\n}',
    },
    cwe: ["CWE-319"],
    attack: ["T1040"],
    test: (node) => {
      if (node.attrs.lbType !== "classic") return null;
      const plain = ((node.attrs.listeners as Array<{ protocol: unknown; path: string }>) ?? []).filter(
        (l) => typeof l.protocol === "string" && ["http", "tcp"].includes(l.protocol.toLowerCase()),
      );
      return plain.length > 0 && { paths: plain.map((l) => l.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-ELB-007",
    title: "Internet-facing application load balancer has no WAF",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    kinds: LB,
    description:
      "Internet-facing application load balancer {resource} is not associated with a WAF web ACL: common web exploits and bad bots reach the application unfiltered.",
    remediation: "Associate a WAFv2 web ACL with AWS managed rule groups and a rate-based rule.",
    fix: {
      cloudformation:
        "WebAclAssociation:\n  Type: AWS::WAFv2::WebACLAssociation\n  Properties:\n    ResourceArn: !Ref LoadBalancer\n    WebACLArn: !GetAtt WebAcl.Arn",
      terraform:
        'resource "aws_wafv2_web_acl_association" "this" {\n  resource_arn = aws_lb.this.arn\n  web_acl_arn  = aws_wafv2_web_acl.this.arn\n}',
    },
    cwe: ["CWE-693"],
    capec: ["CAPEC-66"],
    attack: ["T1190"],
    exposedBoost: 0,
    test: (node) =>
      node.attrs.lbType === "application" &&
      node.attrs.internetFacing === true &&
      node.attrs.waf === false && { paths: [""] },
  }),
  awsRule({
    id: "TL-AWS-ELB-008",
    title: "Classic load balancer negotiates outdated SSL/TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.elb.load-balancer", "aws.elb.classic-policy"],
    description:
      "Classic load balancer {resource} negotiates TLS with an outdated predefined security policy (ELBSecurityPolicy-2011-08 … 2016-08) or a custom one enabling SSLv3, TLS 1.0/1.1 or weak ciphers (RC4, DES, export, MD5).",
    why: "Without a policy, an HTTPS or SSL listener of a classic load balancer uses ELBSecurityPolicy-2016-08, which still accepts TLS 1.0; that case is reported at low likelihood.",
    remediation:
      "Reference ELBSecurityPolicy-TLS-1-2-2017-01 in an SSLNegotiationPolicyType policy on every HTTPS/SSL listener (better: migrate to an application or network load balancer with a TLS 1.2+ policy).",
    fix: {
      cloudformation:
        "Policies:\n  - PolicyName: tls12\n    PolicyType: SSLNegotiationPolicyType\n    Attributes:\n      - Name: Reference-Security-Policy\n        Value: ELBSecurityPolicy-TLS-1-2-2017-01\nListeners:\n  - LoadBalancerPort: '443'\n    InstancePort: '80'\n    Protocol: HTTPS\n    SSLCertificateId: !Ref Certificate\n    PolicyNames: [tls12]",
      terraform:
        'resource "aws_load_balancer_policy" "tls12" {\n  load_balancer_name = aws_elb.this.name\n  policy_name        = "tls12"\n  policy_type_name   = "SSLNegotiationPolicyType"\n  policy_attribute {\n    name  = "Reference-Security-Policy"\n    value = "ELBSecurityPolicy-TLS-1-2-2017-01"\n  }\n}',
    },
    cwe: ["CWE-326", "CWE-327"],
    capec: ["CAPEC-217"],
    test: (node, ctx) => classicSslHits(node, ctx),
  }),
];
