import {
  UNRESOLVED,
  block,
  bool,
  dig,
  isUnresolved,
  list,
  num,
  present,
  scalarText,
  str,
  strings,
  type Maybe,
} from "../values.ts";
import type { KindSpec } from "./spec.ts";

/** TLS policies that still accept TLS 1.0 or 1.1 (or SSLv3). */
export const OUTDATED_ELB_POLICY = /2015-0[45]|2016-08|TLS-1-0|TLS-1-1|FS-2018-06|FS-1-1-2019-08|^ELBSample/i;
export const OUTDATED_CLOUDFRONT_TLS = /^(SSLv3|TLSv1|TLSv1_2016|TLSv1\.1_2016)$/;

/** Classic load balancer predefined policies that accept SSLv3, TLS 1.0 or 1.1, or weak ciphers. */
export const OUTDATED_CLASSIC_POLICY = /ELBSecurityPolicy-201[1-6]-|TLS-1-0|TLS-1-1|^ELBSample/i;
const WEAK_CLASSIC_PROTOCOL = /^Protocol-(SSLv2|SSLv3|TLSv1|TLSv1\.1)$/i;
const WEAK_CLASSIC_CIPHER = /RC4|DES|EXP|NULL|MD5|ADH|AECDH|anon/i;

/**
 * What an SSL negotiation policy of a classic load balancer lets clients use that they should not: an outdated
 * predefined policy, or a custom one enabling SSLv3/TLS 1.0/1.1 or weak ciphers. `undefined` when it is no SSL
 * negotiation policy (a proxy-protocol or stickiness policy), `[]` when it is sound.
 */
export function classicSslWeakness(
  type: unknown,
  attributes: unknown,
  nameKey: string,
  valueKey: string,
): Maybe<string[]> {
  if (str(type) !== "SSLNegotiationPolicyType") return undefined;
  const weak: string[] = [];
  for (const a of list(attributes)) {
    const name = str(dig(a, nameKey));
    const value = str(dig(a, valueKey));
    if (typeof name !== "string" || typeof value !== "string") continue;
    if (name === "Reference-Security-Policy") {
      if (OUTDATED_CLASSIC_POLICY.test(value)) weak.push(value);
    } else if (value.toLowerCase() === "true" && (WEAK_CLASSIC_PROTOCOL.test(name) || WEAK_CLASSIC_CIPHER.test(name))) {
      weak.push(name);
    }
  }
  return weak;
}

function lbAttr(attrs: unknown, key: string): Maybe<boolean> {
  const entry = list(attrs).find((a) => str(dig(a, "Key")) === key);
  return entry === undefined ? undefined : bool(dig(entry, "Value"));
}

function cfnScheme(scheme: unknown): Maybe<boolean> {
  const s = str(scheme);
  if (s === undefined) return true;
  if (isUnresolved(s)) return UNRESOLVED;
  return s === "internet-facing";
}

function tfInternal(internal: unknown): Maybe<boolean> {
  const i = bool(internal);
  if (i === undefined) return true;
  return isUnresolved(i) ? UNRESOLVED : !i;
}

/**
 * Whether a listener redirects instead of serving: a redirect to HTTPS, or a redirect whose target is not written
 * in the file (no redirect block, or a protocol the template computes). A redirect that keeps HTTP
 * (`#{protocol}`, the default when a redirect block names none) still serves plaintext.
 */
function redirectsToHttps(actions: unknown, cfn: boolean): boolean {
  return list(actions).some((a) => {
    if (str(dig(a, cfn ? "Type" : "type")) !== "redirect") return false;
    const config = dig(a, cfn ? "RedirectConfig" : "redirect");
    if (config === undefined) return true;
    const protocol = dig(a, cfn ? "RedirectConfig.Protocol" : "redirect.protocol");
    return isUnresolved(protocol) || str(protocol) === "HTTPS";
  });
}

/** Whether an API Gateway method settings list throttles requests. */
function throttled(settings: unknown, cfn: boolean): boolean {
  return list(settings).some((s) =>
    cfn
      ? present(dig(s, "ThrottlingBurstLimit")) || present(dig(s, "ThrottlingRateLimit"))
      : present(dig(s, "throttling_burst_limit")) || present(dig(s, "throttling_rate_limit")),
  );
}

function cacheEncrypted(settings: unknown): Maybe<boolean> {
  const caching = list(settings).filter((s) => bool(dig(s, "CachingEnabled")) === true);
  if (caching.length === 0) return undefined;
  return caching.every((s) => bool(dig(s, "CacheDataEncrypted")) === true);
}

function cfnViewerPolicies(config: Record<string, unknown>): { policy: Maybe<string>; path: string }[] {
  return [
    {
      policy: str(dig(config, "DefaultCacheBehavior.ViewerProtocolPolicy")),
      path: "Properties.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy",
    },
    ...list(config.CacheBehaviors).map((c, i) => ({
      policy: str(dig(c, "ViewerProtocolPolicy")),
      path: `Properties.DistributionConfig.CacheBehaviors.${i}.ViewerProtocolPolicy`,
    })),
  ];
}

function tfViewerPolicies(b: Record<string, unknown>): { policy: Maybe<string>; path: string }[] {
  return [
    {
      policy: str(dig(b, "default_cache_behavior.viewer_protocol_policy")),
      path: "default_cache_behavior.0.viewer_protocol_policy",
    },
    ...list(b.ordered_cache_behavior).map((c, i) => ({
      policy: str(dig(c, "viewer_protocol_policy")),
      path: `ordered_cache_behavior.${i}.viewer_protocol_policy`,
    })),
  ];
}

/**
 * The kinds requests enter through (load balancers, CloudFront, API Gateway) and the WAF in front of them; the
 * CloudTrail trail is here too.
 */
export const ENTRY_POINT_SPECS: KindSpec[] = [
  {
    kind: "aws.elb.load-balancer",
    types: {
      "AWS::ElasticLoadBalancingV2::LoadBalancer": (b) => ({
        lbType: str(b.Type) ?? "application",
        internetFacing: cfnScheme(b.Scheme),
        accessLogs: lbAttr(b.LoadBalancerAttributes, "access_logs.s3.enabled") ?? false,
        deletionProtection: lbAttr(b.LoadBalancerAttributes, "deletion_protection.enabled") ?? false,
        dropInvalidHeaders:
          lbAttr(b.LoadBalancerAttributes, "routing.http.drop_invalid_header_fields.enabled") ?? false,
        waf: false,
      }),
      aws_lb: (b) => tfLb(b),
      aws_alb: (b) => tfLb(b),
      "AWS::ElasticLoadBalancing::LoadBalancer": (b) => ({
        lbType: "classic",
        internetFacing: cfnScheme(b.Scheme),
        accessLogs: bool(dig(b, "AccessLoggingPolicy.Enabled")) ?? false,
        deletionProtection: UNRESOLVED,
        listeners: list(b.Listeners).map((l, i) => ({
          protocol: str(dig(l, "Protocol")),
          policyNames: isUnresolved(dig(l, "PolicyNames")) ? UNRESOLVED : strings(dig(l, "PolicyNames")),
          path: `Properties.Listeners.${i}`,
        })),
        sslPolicies: isUnresolved(b.Policies)
          ? UNRESOLVED
          : list(b.Policies).flatMap((p, i) => {
              const weak = classicSslWeakness(dig(p, "PolicyType"), dig(p, "Attributes"), "Name", "Value");
              return weak === undefined
                ? []
                : [{ name: str(dig(p, "PolicyName")), weak, path: `Properties.Policies.${i}` }];
            }),
        waf: false,
      }),
      aws_elb: (b) => ({
        name: str(b.name),
        lbType: "classic",
        internetFacing: tfInternal(b.internal),
        accessLogs: b.access_logs ? (bool(dig(b, "access_logs.enabled")) ?? true) : false,
        deletionProtection: UNRESOLVED,
        listeners: list(b.listener).map((l, i) => ({ protocol: str(dig(l, "lb_protocol")), path: `listener.${i}` })),
        waf: false,
      }),
    },
    paths: {
      internetFacing: ["Properties.Scheme", "internal"],
      accessLogs: ["Properties.LoadBalancerAttributes", "access_logs"],
      deletionProtection: ["Properties.LoadBalancerAttributes", "enable_deletion_protection"],
      dropInvalidHeaders: ["Properties.LoadBalancerAttributes", "drop_invalid_header_fields"],
      listeners: ["Properties.Listeners", "listener"],
    },
  },
  {
    /** A classic load balancer's policy declared on its own (`aws_load_balancer_policy`). */
    kind: "aws.elb.classic-policy",
    types: {
      aws_load_balancer_policy: (b) => ({
        name: str(b.policy_name),
        sslWeak: classicSslWeakness(b.policy_type_name, b.policy_attribute, "name", "value"),
      }),
      aws_load_balancer_listener_policy: () => ({ listener: true }),
    },
    paths: { sslWeak: [null, "policy_attribute"] },
  },
  {
    kind: "aws.elb.listener",
    types: {
      "AWS::ElasticLoadBalancingV2::Listener": (b) => ({
        protocol: str(b.Protocol),
        port: num(b.Port),
        sslPolicy: str(b.SslPolicy),
        redirectsToHttps: redirectsToHttps(b.DefaultActions, true),
      }),
      aws_lb_listener: tfListener,
      aws_alb_listener: tfListener,
    },
    paths: {
      protocol: ["Properties.Protocol", "protocol"],
      sslPolicy: ["Properties.SslPolicy", "ssl_policy"],
    },
  },
  {
    kind: "aws.elb.listener-rule",
    types: {
      "AWS::ElasticLoadBalancingV2::ListenerRule": () => ({}),
      aws_lb_listener_rule: () => ({}),
      aws_alb_listener_rule: () => ({}),
    },
  },
  {
    kind: "aws.elb.target-group",
    types: {
      "AWS::ElasticLoadBalancingV2::TargetGroup": (b) => ({ protocol: str(b.Protocol) }),
      aws_lb_target_group: (b) => ({ protocol: str(b.protocol) }),
      aws_alb_target_group: (b) => ({ protocol: str(b.protocol) }),
    },
  },
  {
    kind: "aws.elb.target-attachment",
    types: { aws_lb_target_group_attachment: () => ({}), aws_autoscaling_attachment: () => ({}) },
  },
  {
    kind: "aws.cloudfront.distribution",
    types: {
      "AWS::CloudFront::Distribution": (b) => {
        const c = block(b.DistributionConfig) ?? {};
        const defaultCert =
          bool(dig(c, "ViewerCertificate.CloudFrontDefaultCertificate")) === true || !present(c.ViewerCertificate);
        return {
          viewerPolicies: cfnViewerPolicies(c),
          minTls: defaultCert ? "TLSv1" : (str(dig(c, "ViewerCertificate.MinimumProtocolVersion")) ?? "TLSv1"),
          defaultCert,
          waf: present(c.WebACLId),
          logging: present(c.Logging),
          origins: list(c.Origins).map((o, i) => ({
            s3: present(dig(o, "S3OriginConfig")),
            oac: present(dig(o, "OriginAccessControlId")) || present(dig(o, "S3OriginConfig.OriginAccessIdentity")),
            protocolPolicy: str(dig(o, "CustomOriginConfig.OriginProtocolPolicy")),
            sslProtocols: strings(dig(o, "CustomOriginConfig.OriginSSLProtocols")),
            path: `Properties.DistributionConfig.Origins.${i}`,
          })),
        };
      },
      aws_cloudfront_distribution: (b) => {
        const defaultCert =
          bool(dig(b, "viewer_certificate.cloudfront_default_certificate")) === true || !present(b.viewer_certificate);
        return {
          viewerPolicies: tfViewerPolicies(b),
          minTls: defaultCert ? "TLSv1" : (str(dig(b, "viewer_certificate.minimum_protocol_version")) ?? "TLSv1"),
          defaultCert,
          waf: present(b.web_acl_id),
          logging: present(b.logging_config),
          origins: list(b.origin).map((o, i) => ({
            s3: present(dig(o, "s3_origin_config")) || /\.s3[.-]/.test(scalarText(dig(o, "domain_name"))),
            oac:
              present(dig(o, "origin_access_control_id")) || present(dig(o, "s3_origin_config.origin_access_identity")),
            protocolPolicy: str(dig(o, "custom_origin_config.origin_protocol_policy")),
            sslProtocols: strings(dig(o, "custom_origin_config.origin_ssl_protocols")),
            path: `origin.${i}`,
          })),
        };
      },
    },
    paths: {
      minTls: ["Properties.DistributionConfig.ViewerCertificate", "viewer_certificate"],
      waf: ["Properties.DistributionConfig.WebACLId", "web_acl_id"],
      logging: ["Properties.DistributionConfig.Logging", "logging_config"],
    },
  },
  {
    kind: "aws.apigateway.rest-api",
    types: {
      "AWS::ApiGateway::RestApi": (b) => ({
        private: list(dig(b, "EndpointConfiguration.Types")).includes("PRIVATE"),
        policy: b.Policy,
      }),
      aws_api_gateway_rest_api: (b) => ({
        private: list(dig(b, "endpoint_configuration.types")).includes("PRIVATE"),
        policy: b.policy,
      }),
      "AWS::Serverless::Api": (b) => ({
        private: str(dig(b, "EndpointConfiguration.Type")) === "PRIVATE" || str(b.EndpointConfiguration) === "PRIVATE",
        policy: dig(b, "Auth.ResourcePolicy"),
        sam: true,
        auth: present(dig(b, "Auth.DefaultAuthorizer")) || bool(dig(b, "Auth.ApiKeyRequired")) === true,
        accessLogs: present(b.AccessLogSetting),
        throttling: throttled(b.MethodSettings, true),
        tracing: bool(b.TracingEnabled) ?? false,
        cacheEncrypted: cacheEncrypted(b.MethodSettings),
        waf: false,
      }),
    },
    paths: {
      auth: ["Properties.Auth", null],
      accessLogs: ["Properties.AccessLogSetting", null],
      throttling: ["Properties.MethodSettings", null],
      tracing: ["Properties.TracingEnabled", null],
      policy: ["Properties.Policy", "policy"],
    },
  },
  {
    kind: "aws.apigateway.rest-api-policy",
    types: { aws_api_gateway_rest_api_policy: (b) => ({ document: b.policy }) },
    paths: { document: [null, "policy"] },
    fold: [
      {
        via: ["rest_api_id"],
        into: ["aws.apigateway.rest-api"],
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.apigateway.http-api",
    types: {
      "AWS::ApiGatewayV2::Api": (b) => ({
        protocol: str(b.ProtocolType),
        corsAnyOrigin: strings(dig(b, "CorsConfiguration.AllowOrigins")).includes("*"),
        corsCredentials: bool(dig(b, "CorsConfiguration.AllowCredentials")) === true,
      }),
      aws_apigatewayv2_api: (b) => ({
        protocol: str(b.protocol_type),
        corsAnyOrigin: strings(dig(b, "cors_configuration.allow_origins")).includes("*"),
        corsCredentials: bool(dig(b, "cors_configuration.allow_credentials")) === true,
      }),
      "AWS::Serverless::HttpApi": (b) => ({
        protocol: "HTTP",
        sam: true,
        corsAnyOrigin: strings(dig(b, "CorsConfiguration.AllowOrigins")).includes("*"),
        corsCredentials: bool(dig(b, "CorsConfiguration.AllowCredentials")) === true,
        auth: present(dig(b, "Auth.DefaultAuthorizer")),
        accessLogs: present(b.AccessLogSettings),
        throttling:
          present(dig(b, "DefaultRouteSettings.ThrottlingBurstLimit")) ||
          present(dig(b, "DefaultRouteSettings.ThrottlingRateLimit")),
      }),
    },
    paths: {
      corsAnyOrigin: ["Properties.CorsConfiguration", "cors_configuration"],
      auth: ["Properties.Auth", null],
      accessLogs: ["Properties.AccessLogSettings", null],
      throttling: ["Properties.DefaultRouteSettings", null],
    },
  },
  {
    kind: "aws.apigateway.method",
    types: {
      "AWS::ApiGateway::Method": (b) => ({
        httpMethod: str(b.HttpMethod),
        authorization: str(b.AuthorizationType) ?? "NONE",
        apiKey: bool(b.ApiKeyRequired) === true,
      }),
      aws_api_gateway_method: (b) => ({
        httpMethod: str(b.http_method),
        authorization: str(b.authorization) ?? "NONE",
        apiKey: bool(b.api_key_required) === true,
      }),
      "AWS::ApiGatewayV2::Route": (b) => ({
        httpMethod: str(b.RouteKey),
        authorization: str(b.AuthorizationType) ?? "NONE",
        apiKey: bool(b.ApiKeyRequired) === true,
      }),
      aws_apigatewayv2_route: (b) => ({
        httpMethod: str(b.route_key),
        authorization: str(b.authorization_type) ?? "NONE",
        apiKey: bool(b.api_key_required) === true,
      }),
    },
    paths: { authorization: ["Properties.AuthorizationType", "authorization"] },
  },
  {
    kind: "aws.apigateway.integration",
    types: {
      "AWS::ApiGatewayV2::Integration": () => ({}),
      aws_api_gateway_integration: () => ({}),
      aws_apigatewayv2_integration: () => ({}),
    },
  },
  {
    kind: "aws.apigateway.stage",
    types: {
      "AWS::ApiGateway::Stage": (b) => ({
        accessLogs: present(b.AccessLogSetting),
        throttling: throttled(b.MethodSettings, true),
        tracing: bool(b.TracingEnabled) ?? false,
        cacheEncrypted: cacheEncrypted(b.MethodSettings),
        waf: false,
      }),
      "AWS::ApiGateway::Deployment": (b) => {
        const s = block(b.StageDescription) ?? {};
        return {
          inline: true,
          stageName: str(b.StageName),
          accessLogs: present(s.AccessLogSetting),
          throttling:
            present(s.ThrottlingBurstLimit) || present(s.ThrottlingRateLimit) || throttled(s.MethodSettings, true),
          tracing: bool(s.TracingEnabled) ?? false,
          cacheEncrypted: cacheEncrypted(s.MethodSettings),
          waf: false,
        };
      },
      "AWS::ApiGatewayV2::Stage": (b) => ({
        accessLogs: present(b.AccessLogSettings),
        throttling:
          present(dig(b, "DefaultRouteSettings.ThrottlingBurstLimit")) ||
          present(dig(b, "DefaultRouteSettings.ThrottlingRateLimit")),
        tracing: UNRESOLVED,
        waf: false,
      }),
      aws_api_gateway_stage: (b) => ({
        name: str(b.stage_name),
        accessLogs: present(b.access_log_settings),
        throttling: false,
        tracing: bool(b.xray_tracing_enabled) ?? false,
        waf: false,
      }),
      aws_apigatewayv2_stage: (b) => ({
        accessLogs: present(b.access_log_settings),
        throttling:
          present(dig(b, "default_route_settings.throttling_burst_limit")) ||
          present(dig(b, "default_route_settings.throttling_rate_limit")),
        tracing: UNRESOLVED,
        waf: false,
      }),
    },
    paths: {
      accessLogs: ["Properties.AccessLogSetting", "access_log_settings"],
      throttling: ["Properties.MethodSettings", "default_route_settings"],
      tracing: ["Properties.TracingEnabled", "xray_tracing_enabled"],
      cacheEncrypted: ["Properties.MethodSettings", null],
    },
  },
  {
    kind: "aws.apigateway.method-settings",
    types: {
      aws_api_gateway_method_settings: (b) => ({
        throttling: throttled(b.settings, false),
        cacheEncrypted:
          bool(dig(b, "settings.caching_enabled")) === true
            ? bool(dig(b, "settings.cache_data_encrypted")) === true
            : undefined,
      }),
    },
    fold: [
      {
        via: ["stage_name"],
        into: ["aws.apigateway.stage"],
        byName: "name",
        apply: (t, c) => {
          if (c.attrs.throttling) t.attrs.throttling = true;
          if (c.attrs.cacheEncrypted !== undefined) t.attrs.cacheEncrypted = c.attrs.cacheEncrypted;
        },
      },
    ],
  },
  {
    kind: "aws.apigateway.usage-plan",
    types: {
      "AWS::ApiGateway::UsagePlan": (b) => ({ throttling: present(b.Throttle) }),
      aws_api_gateway_usage_plan: (b) => ({ throttling: present(b.throttle_settings) }),
    },
  },
  {
    kind: "aws.apigateway.domain-name",
    types: {
      "AWS::ApiGateway::DomainName": (b) => ({ securityPolicy: str(b.SecurityPolicy) ?? "TLS_1_0" }),
      aws_api_gateway_domain_name: (b) => ({ securityPolicy: str(b.security_policy) ?? "TLS_1_0" }),
      "AWS::ApiGatewayV2::DomainName": (b) => ({
        securityPolicy: str(dig(list(b.DomainNameConfigurations)[0], "SecurityPolicy")) ?? "TLS_1_2",
      }),
      aws_apigatewayv2_domain_name: (b) => ({
        securityPolicy: str(dig(b, "domain_name_configuration.security_policy")) ?? "TLS_1_2",
      }),
    },
    paths: { securityPolicy: ["Properties.SecurityPolicy", "security_policy"] },
  },
  {
    kind: "aws.wafv2.web-acl",
    types: {
      "AWS::WAFv2::WebACL": (b) => {
        const rules = list(b.Rules);
        return {
          defaultAllow: present(dig(b, "DefaultAction.Allow")),
          ruleCount: isUnresolved(b.Rules) ? UNRESOLVED : rules.length,
          rateBased: rules.some((r) => present(dig(r, "Statement.RateBasedStatement"))),
          managedGroups: rules
            .map((r) => str(dig(r, "Statement.ManagedRuleGroupStatement.Name")))
            .filter((n): n is string => typeof n === "string"),
          logging: false,
        };
      },
      aws_wafv2_web_acl: (b) => {
        const rules = list(b.rule);
        return {
          defaultAllow: present(dig(b, "default_action.allow")),
          ruleCount: rules.length,
          rateBased: rules.some((r) => present(dig(r, "statement.rate_based_statement"))),
          managedGroups: rules
            .map((r) => str(dig(r, "statement.managed_rule_group_statement.name")))
            .filter((n): n is string => typeof n === "string"),
          logging: false,
        };
      },
    },
    paths: {
      defaultAllow: ["Properties.DefaultAction", "default_action"],
      ruleCount: ["Properties.Rules", "rule"],
      rateBased: ["Properties.Rules", "rule"],
      managedGroups: ["Properties.Rules", "rule"],
    },
  },
  {
    kind: "aws.wafv2.logging",
    types: { "AWS::WAFv2::LoggingConfiguration": () => ({}), aws_wafv2_web_acl_logging_configuration: () => ({}) },
    fold: [
      {
        via: ["ResourceArn", "resource_arn"],
        into: ["aws.wafv2.web-acl"],
        apply: (t) => void (t.attrs.logging = true),
      },
    ],
  },
  {
    kind: "aws.wafv2.web-acl-association",
    types: { "AWS::WAFv2::WebACLAssociation": () => ({}), aws_wafv2_web_acl_association: () => ({}) },
    fold: [
      {
        via: ["ResourceArn", "resource_arn"],
        into: ["aws.elb.load-balancer", "aws.apigateway.stage", "aws.apigateway.rest-api"],
        apply: (t) => void (t.attrs.waf = true),
      },
    ],
  },
  {
    kind: "aws.cloudtrail.trail",
    types: {
      "AWS::CloudTrail::Trail": (b) => ({
        multiRegion: bool(b.IsMultiRegionTrail) ?? false,
        logValidation: bool(b.EnableLogFileValidation) ?? false,
        kms: present(b.KMSKeyId),
        logging: bool(b.IsLogging) ?? UNRESOLVED,
        cloudWatch: present(b.CloudWatchLogsLogGroupArn),
      }),
      aws_cloudtrail: (b) => ({
        multiRegion: bool(b.is_multi_region_trail) ?? false,
        logValidation: bool(b.enable_log_file_validation) ?? false,
        kms: present(b.kms_key_id),
        logging: bool(b.enable_logging) ?? true,
        cloudWatch: present(b.cloud_watch_logs_group_arn),
      }),
    },
    paths: {
      multiRegion: ["Properties.IsMultiRegionTrail", "is_multi_region_trail"],
      logValidation: ["Properties.EnableLogFileValidation", "enable_log_file_validation"],
      kms: ["Properties.KMSKeyId", "kms_key_id"],
      logging: ["Properties.IsLogging", "enable_logging"],
      cloudWatch: ["Properties.CloudWatchLogsLogGroupArn", "cloud_watch_logs_group_arn"],
    },
  },
];

function tfLb(b: Record<string, unknown>): Record<string, unknown> {
  return {
    lbType: str(b.load_balancer_type) ?? "application",
    internetFacing: tfInternal(b.internal),
    accessLogs: b.access_logs ? (bool(dig(b, "access_logs.enabled")) ?? true) : false,
    deletionProtection: bool(b.enable_deletion_protection) ?? false,
    dropInvalidHeaders: bool(b.drop_invalid_header_fields) ?? false,
    waf: false,
  };
}

function tfListener(b: Record<string, unknown>): Record<string, unknown> {
  return {
    protocol: str(b.protocol) ?? "HTTP",
    port: num(b.port),
    sslPolicy: str(b.ssl_policy),
    redirectsToHttps: redirectsToHttps(b.default_action, false),
  };
}
