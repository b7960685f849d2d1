import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

const redshiftCfn = (group: string, cluster = "ClusterParameterGroupName: !Ref Params", family = "redshift-1.0") =>
  cfn(`
  Params:
    Type: AWS::Redshift::ClusterParameterGroup
    Properties:
      Description: params
      ParameterGroupFamily: ${family}
      Parameters:
${group}
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: single-node
      NodeType: dc2.large
      DBName: dev
      MasterUsername: admin
      MasterUserPassword: '{{resolve:secretsmanager:wh}}'
      Encrypted: true
      ${cluster}
`);

const redshiftTf = (value: string, cluster = "cluster_parameter_group_name = aws_redshift_parameter_group.this.name") =>
  tf(`
  resource "aws_redshift_parameter_group" "this" {
    name   = "params"
    family = "redshift-1.0"
    parameter {
      name  = "require_ssl"
      value = "${value}"
    }
  }
  resource "aws_redshift_cluster" "this" {
    cluster_identifier = "warehouse"
    node_type          = "dc2.large"
    encrypted          = true
    ${cluster}
  }
`);

export const REDSHIFT_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-REDSHIFT-001",
    cfn: {
      pos: [one("AWS::Redshift::Cluster", "PubliclyAccessible: true\nEncrypted: true")],
      neg: [one("AWS::Redshift::Cluster", "PubliclyAccessible: false\nEncrypted: true")],
    },
    tf: {
      pos: [res("aws_redshift_cluster", "publicly_accessible = true")],
      neg: [res("aws_redshift_cluster", "publicly_accessible = false")],
    },
  },
  {
    rule: "TL-AWS-REDSHIFT-002",
    cfn: {
      pos: [one("AWS::Redshift::Cluster", "NodeType: dc2.large")],
      neg: [one("AWS::Redshift::Cluster", "Encrypted: true")],
    },
    tf: {
      pos: [res("aws_redshift_cluster", 'node_type = "dc2.large"')],
      neg: [res("aws_redshift_cluster", "encrypted = true")],
    },
  },
  {
    rule: "TL-AWS-REDSHIFT-003",
    cfn: {
      pos: [one("AWS::Redshift::Cluster", "Encrypted: true")],
      neg: [one("AWS::Redshift::Cluster", "Encrypted: true\nLoggingProperties: { BucketName: audit }")],
    },
    tf: {
      pos: [res("aws_redshift_cluster", "encrypted = true")],
      neg: [
        tf(
          `resource "aws_redshift_cluster" "this" {\n  encrypted = true\n}\nresource "aws_redshift_logging" "this" {\n  cluster_identifier = aws_redshift_cluster.this.id\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-REDSHIFT-004",
    cfn: {
      pos: [
        redshiftCfn("        - { ParameterName: enable_user_activity_logging, ParameterValue: 'true' }"),
        redshiftCfn(
          "        - { ParameterName: require_ssl, ParameterValue: 'true' }",
          "ClusterParameterGroupName: default.redshift-1.0",
        ),
      ],
      neg: [
        redshiftCfn("        - { ParameterName: require_ssl, ParameterValue: 'true' }"),
        // redshift-2.0 (the family AWS picks since 2025) requires SSL unless told otherwise.
        redshiftCfn(
          "        - { ParameterName: enable_user_activity_logging, ParameterValue: 'true' }",
          "ClusterParameterGroupName: !Ref Params",
          "redshift-2.0",
        ),
        // No group named: AWS gives new clusters default.redshift-2.0.
        redshiftCfn("        - { ParameterName: require_ssl, ParameterValue: 'false' }", "Port: 5439"),
      ],
    },
    tf: {
      pos: [redshiftTf("false"), redshiftTf("true", 'cluster_parameter_group_name = "default.redshift-1.0"')],
      neg: [
        redshiftTf("true"),
        // A group declared elsewhere, by name: its parameters cannot be read here.
        redshiftTf("false", 'cluster_parameter_group_name = "shared-tls-only"'),
      ],
    },
  },
];
