import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { at, awsRule, nodesOf, type Hit } from "./define.ts";
import { isUnresolved } from "../values.ts";

// TL-AWS-REDSHIFT: Redshift.

/**
 * The parameter group a Redshift cluster uses: the linked resource, one declared with the literal name it
 * gives, `"legacy-default"` for `default.redshift-1.0` (where require_ssl is false), or `undefined` when none
 * is named (AWS then picks `default.redshift-2.0`, which requires SSL since January 2025) or it cannot be told
 * (a group declared elsewhere).
 */
function redshiftGroup(node: GraphNode, ctx: RuleContext): GraphNode | "legacy-default" | undefined {
  const linked = ctx.out(node.id).find((n) => n.kind === "aws.redshift.parameter-group");
  if (linked) return linked;
  const name = node.attrs.parameterGroup;
  if (typeof name !== "string") return undefined;
  if (name === "default.redshift-1.0") return "legacy-default";
  return nodesOf(ctx, ["aws.redshift.parameter-group"]).find((g) => g.attrs.name === name && g.file === node.file);
}

export const REDSHIFT_RULES = [
  awsRule({
    id: "TL-AWS-REDSHIFT-001",
    title: "Redshift cluster is publicly accessible",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 5,
    kinds: ["aws.redshift.cluster"],
    description: "Redshift cluster {resource} has a public endpoint.",
    remediation: "Set PubliclyAccessible to false.",
    fix: { cloudformation: "Properties:\n  PubliclyAccessible: false", terraform: "publicly_accessible = false" },
    cwe: ["CWE-284"],
    attack: ["T1190"],
    test: (node) => node.attrs.public === true && { paths: [at(node, "public")] },
  }),
  awsRule({
    id: "TL-AWS-REDSHIFT-002",
    title: "Redshift cluster is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.redshift.cluster"],
    description: "Redshift cluster {resource} stores its data and snapshots unencrypted.",
    remediation: "Enable encryption with a customer-managed KMS key.",
    fix: {
      cloudformation: "Properties:\n  Encrypted: true\n  KmsKeyId: !Ref WarehouseKey",
      terraform: "encrypted  = true\nkms_key_id = aws_kms_key.warehouse.arn",
    },
    cwe: ["CWE-311"],
    test: (node) =>
      node.attrs.encrypted === false && {
        paths: [at(node, "encrypted")],
        ...(node.attrs.encryptedByDefault === true
          ? {
              likelihood: 1,
              detail: `Cluster ${node.id} does not declare encryption: AWS encrypts new clusters by default since 2025, with an AWS-owned key unless one is given.`,
            }
          : {}),
      },
  }),
  awsRule({
    id: "TL-AWS-REDSHIFT-003",
    title: "Redshift audit logging is disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.redshift.cluster"],
    description: "Redshift cluster {resource} keeps no connection and user activity logs.",
    remediation: "Enable audit logging to S3 or CloudWatch Logs.",
    fix: {
      cloudformation: "Properties:\n  LoggingProperties:\n    BucketName: !Ref AuditBucket",
      terraform:
        'resource "aws_redshift_logging" "this" {\n  cluster_identifier   = aws_redshift_cluster.this.id\n  log_destination_type = "cloudwatch"\n  log_exports          = ["connectionlog", "userlog", "useractivitylog"]\n}',
    },
    cwe: ["CWE-778"],
    test: (node) => node.attrs.logging === false && { paths: [at(node, "logging")] },
  }),
  awsRule({
    id: "TL-AWS-REDSHIFT-004",
    title: "Redshift cluster does not require SSL",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.redshift.cluster"],
    description:
      "Cluster {resource} accepts unencrypted client connections: its parameter group turns require_ssl off, or leaves it at the false default of the redshift-1.0 family.",
    remediation: "Use a parameter group with require_ssl = true.",
    fix: {
      cloudformation:
        "WarehouseParameters:\n  Type: AWS::Redshift::ClusterParameterGroup\n  Properties:\n    Description: TLS only\n    ParameterGroupFamily: redshift-1.0\n    Parameters:\n      - ParameterName: require_ssl\n        ParameterValue: 'true'\n# on the cluster: ClusterParameterGroupName: !Ref WarehouseParameters",
      terraform:
        'resource "aws_redshift_parameter_group" "tls" {\n  name   = "tls-only"\n  family = "redshift-1.0"\n  parameter {\n    name  = "require_ssl"\n    value = "true"\n  }\n}\n# on the cluster: cluster_parameter_group_name = aws_redshift_parameter_group.tls.name',
    },
    cwe: ["CWE-319"],
    test: (node, ctx): Hit | false => {
      const group = redshiftGroup(node, ctx);
      if (group === undefined) return false;
      if (group === "legacy-default") {
        return {
          paths: [at(node, "parameterGroup")],
          detail: `Cluster ${node.id} uses default.redshift-1.0, where require_ssl is false.`,
        };
      }
      const params = group.attrs.parameters;
      if (isUnresolved(params) || typeof params !== "object" || params === null) return false;
      const value = (params as Record<string, string>).require_ssl;
      // Unset, require_ssl takes the family's default: false in redshift-1.0, true in redshift-2.0.
      const unset = value === undefined && group.attrs.family === "redshift-1.0";
      if (!unset && value?.toLowerCase() !== "false") return false;
      return {
        paths: [at(node, "parameterGroup")],
        related: [group],
        detail: `Cluster ${node.id} uses parameter group ${group.id}, which does not set require_ssl to true.`,
      };
    },
  }),
];
