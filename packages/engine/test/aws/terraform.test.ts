import { describe, expect, it } from "vitest";
import { analyze, buildGraph } from "../../src/analyze.ts";
import type { GraphNode, ResourceGraph, SourceFile } from "../../src/graph/types.ts";
import { UNRESOLVED } from "../../src/graph/types.ts";
import { detectTerraform } from "../../src/terraform/parse.ts";
import { decodeText } from "../../src/text.ts";
import { detectTerraformPlan } from "../../src/terraform/plan.ts";
import { cfn, tf } from "./harness.ts";

async function graphOf(files: SourceFile[]): Promise<ResourceGraph> {
  const { graph, files: reports } = await buildGraph(files);
  for (const r of reports) expect(r.error, r.path).toBeUndefined();
  return graph;
}
const node = (graph: ResourceGraph, id: string): GraphNode => {
  const found = graph.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}; have ${graph.nodes.map((n) => n.id).join(", ")}`);
  return found;
};

describe("Terraform resources and lines", () => {
  const main = tf(`
    variable "env" {
      default = "prod"
    }
    variable "open" {
      default = ["0.0.0.0/0"]
    }
    variable "unset" {}
    locals {
      name = "app-\${var.env}"
      port = 22
    }
    resource "aws_security_group" "web" {
      name = local.name
      ingress {
        from_port   = local.port
        to_port     = 22
        protocol    = "tcp"
        cidr_blocks = var.open
      }
      ingress {
        from_port   = 443
        to_port     = 443
        protocol    = "tcp"
        cidr_blocks = [var.unset]
      }
    }
    resource "aws_instance" "web" {
      count                  = 2
      ami                    = "ami-1"
      vpc_security_group_ids = [aws_security_group.web.id]
    }
    resource "aws_s3_bucket" "each" {
      for_each = toset(["a", "b"])
      bucket   = each.key
    }
  `);

  it("finds declaration and attribute lines", async () => {
    const graph = await graphOf([{ path: "main.tf", content: main }]);
    const web = node(graph, "aws_security_group.web");
    expect(web).toMatchObject({
      type: "aws_security_group",
      kind: "aws.ec2.security-group",
      format: "terraform",
      file: "main.tf",
      line: 12,
    });
    expect(web.propertyLines).toMatchObject({
      name: 13,
      "ingress.0": 14,
      "ingress.0.cidr_blocks": 18,
      "ingress.1": 20,
    });
  });

  it("resolves variables with defaults and locals where literal", async () => {
    const graph = await graphOf([{ path: "main.tf", content: main }]);
    const web = node(graph, "aws_security_group.web");
    expect(web.attrs.name).toBe("app-prod");
    expect(web.attrs.ingress).toEqual([
      { protocol: "tcp", from: 22, to: 22, cidr: "0.0.0.0/0", path: "ingress.0", cidrPath: "ingress.0.cidr_blocks" },
      { protocol: "tcp", from: 443, to: 443, cidr: UNRESOLVED, path: "ingress.1", cidrPath: "ingress.1.cidr_blocks" },
    ]);
    expect(web.properties.name).toBe("app-prod");
    expect((web.properties.ingress as Array<Record<string, unknown>>)[1]!.cidr_blocks).toEqual(["${var.unset}"]);
  });

  it("marks count and for_each", async () => {
    const graph = await graphOf([{ path: "main.tf", content: main }]);
    expect(node(graph, "aws_instance.web").multiplicity).toBe("count");
    expect(node(graph, "aws_s3_bucket.each").multiplicity).toBe("for_each");
    expect(node(graph, "aws_s3_bucket.each").attrs.name).toBe(UNRESOLVED);
  });

  it("turns attribute references into edges of the right kind", async () => {
    const graph = await graphOf([{ path: "main.tf", content: main }]);
    expect(graph.edges).toContainEqual({
      from: "aws_instance.web",
      to: "aws_security_group.web",
      kind: "security-group",
      via: "vpc_security_group_ids.0",
    });
  });

  it("takes variable values from terraform.tfvars in the same folder", async () => {
    const graph = await graphOf([
      { path: "main.tf", content: main },
      { path: "terraform.tfvars", content: 'env = "dev"\n' },
    ]);
    expect(node(graph, "aws_security_group.web").attrs.name).toBe("app-dev");
  });
});

describe("Terraform modules", () => {
  const root: SourceFile = {
    path: "infra/main.tf",
    content: tf(`
      module "net" {
        source = "./modules/net"
        cidr   = "10.0.0.0/16"
      }
      module "app" {
        source    = "../shared/app"
        subnet_id = module.net.subnet_id
        open_to   = "0.0.0.0/0"
      }
      module "remote" {
        source = "terraform-aws-modules/vpc/aws"
      }
      resource "aws_instance" "bastion" {
        subnet_id = module.net.subnet_id
      }
    `),
  };
  const net: SourceFile = {
    path: "infra/modules/net/main.tf",
    content: tf(`
      variable "cidr" {}
      resource "aws_vpc" "main" {
        cidr_block = var.cidr
      }
      resource "aws_subnet" "public" {
        vpc_id                  = aws_vpc.main.id
        map_public_ip_on_launch = true
      }
    `),
  };
  const netOutputs: SourceFile = {
    path: "infra/modules/net/outputs.tf",
    content: 'output "subnet_id" {\n  value = aws_subnet.public.id\n}\n',
  };
  const app: SourceFile = {
    path: "shared/app/main.tf",
    content: tf(`
      variable "subnet_id" {}
      variable "open_to" {}
      module "loop" {
        source = "../app"
      }
      resource "aws_security_group" "app" {
        ingress {
          from_port   = 22
          to_port     = 22
          protocol    = "tcp"
          cidr_blocks = [var.open_to]
        }
      }
      resource "aws_instance" "app" {
        subnet_id              = var.subnet_id
        vpc_security_group_ids = [aws_security_group.app.id]
      }
    `),
  };

  it("follows local modules among the files handed in, with module addresses", async () => {
    const graph = await graphOf([root, net, netOutputs, app]);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([
      "aws_instance.bastion",
      "module.app.aws_instance.app",
      "module.app.aws_security_group.app",
      "module.net.aws_subnet.public",
      "module.net.aws_vpc.main",
    ]);
    expect(node(graph, "module.net.aws_vpc.main")).toMatchObject({
      file: "infra/modules/net/main.tf",
      line: 2,
      attrs: { cidr: "10.0.0.0/16" },
    });
  });

  it("links through module inputs and outputs", async () => {
    const graph = await graphOf([root, net, netOutputs, app]);
    expect(graph.edges).toContainEqual({
      from: "aws_instance.bastion",
      to: "module.net.aws_subnet.public",
      kind: "in-subnet",
      via: "subnet_id",
    });
    expect(graph.edges).toContainEqual({
      from: "module.app.aws_instance.app",
      to: "module.net.aws_subnet.public",
      kind: "in-subnet",
      via: "subnet_id",
    });
    expect(node(graph, "module.app.aws_security_group.app").attrs.ingress).toMatchObject([{ cidr: "0.0.0.0/0" }]);
    expect(graph.facts.exposures.map((e) => e.nodeId)).toContain("module.app.aws_instance.app");
  });

  it("reports each file with the resources declared in it", async () => {
    const { files } = await buildGraph([root, net, netOutputs, app]);
    expect(files.map((f) => [f.path, f.resources])).toEqual([
      ["infra/main.tf", 1],
      ["infra/modules/net/main.tf", 2],
      ["infra/modules/net/outputs.tf", 0],
      ["shared/app/main.tf", 2],
    ]);
  });

  it("reads a module on its own when no file calls it", async () => {
    const graph = await graphOf([net]);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(["aws_subnet.public", "aws_vpc.main"]);
    expect(node(graph, "aws_vpc.main").attrs.cidr).toBe(UNRESOLVED);
  });
});

describe("Terraform dynamic blocks", () => {
  const cluster = (auth: string) =>
    tf(`
    variable "client_authentication" {
      default = null
    }
    resource "aws_msk_cluster" "this" {
      cluster_name = "events"
      ${auth}
    }
  `);

  it("reads a dynamic block whose for_each cannot be evaluated as present, with unknown values", async () => {
    const graph = await graphOf([
      {
        path: "main.tf",
        content: cluster(`dynamic "client_authentication" {
        for_each = var.client_authentication != null ? [var.client_authentication] : []
        content {
          unauthenticated = client_authentication.value.unauthenticated
        }
      }`),
      },
    ]);
    expect(node(graph, "aws_msk_cluster.this").attrs.unauthenticated).toEqual(UNRESOLVED);
  });

  it("makes one block per item of a literal for_each, and none for an empty one", async () => {
    const one = await graphOf([
      {
        path: "main.tf",
        content: cluster(`dynamic "client_authentication" {
        for_each = [true]
        content {
          unauthenticated = true
        }
      }`),
      },
    ]);
    expect(node(one, "aws_msk_cluster.this").attrs.unauthenticated).toBe(true);
    const none = await graphOf([
      {
        path: "main.tf",
        content: cluster(`dynamic "client_authentication" {
        for_each = []
        content {
          unauthenticated = false
        }
      }`),
      },
    ]);
    // No block at all: MSK then accepts unauthenticated clients.
    expect(node(none, "aws_msk_cluster.this").attrs.unauthenticated).toBe(true);
    const nested = await graphOf([
      {
        path: "main.tf",
        content: cluster(`client_authentication {
        dynamic "sasl" {
          for_each = [1]
          content {
            iam = true
          }
        }
      }`),
      },
    ]);
    expect(node(nested, "aws_msk_cluster.this").attrs.unauthenticated).toBe(false);
  });
});

describe("Terraform policies", () => {
  it("reads jsonencode, heredoc JSON and aws_iam_policy_document, keeping interpolated parts", async () => {
    const graph = await graphOf([
      {
        path: "iam.tf",
        content: tf(`
          resource "aws_s3_bucket" "b" {}
          resource "aws_iam_policy" "encoded" {
            policy = jsonencode({
              Version   = "2012-10-17"
              Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "\${aws_s3_bucket.b.arn}/*" }]
            })
          }
          resource "aws_iam_policy" "heredoc" {
            policy = <<-EOT
              {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "\${aws_s3_bucket.b.arn}"}]}
            EOT
          }
          resource "aws_iam_policy" "document" {
            policy = data.aws_iam_policy_document.d.json
          }
          data "aws_iam_policy_document" "d" {
            statement {
              actions   = ["sqs:SendMessage"]
              resources = ["*"]
              principals {
                type        = "Service"
                identifiers = ["sns.amazonaws.com"]
              }
              condition {
                test     = "ArnEquals"
                variable = "aws:SourceArn"
                values   = ["arn:aws:sns:x"]
              }
            }
          }
        `),
      },
    ]);
    expect(node(graph, "aws_iam_policy.encoded").attrs.document).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: UNRESOLVED }],
    });
    expect(node(graph, "aws_iam_policy.heredoc").attrs.document).toEqual({
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "${aws_s3_bucket.b.arn}" }],
    });
    expect(node(graph, "aws_iam_policy.document").attrs.document).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: ["*"],
          Principal: { Service: ["sns.amazonaws.com"] },
          Condition: { ArnEquals: { "aws:SourceArn": ["arn:aws:sns:x"] } },
        },
      ],
    });
    expect(graph.edges).toContainEqual({
      from: "aws_iam_policy.encoded",
      to: "aws_s3_bucket.b",
      kind: "references",
      via: "policy",
    });
  });
});

describe("one model for both formats", () => {
  it("gives a CloudFormation bucket and a Terraform bucket with companions the same attrs", async () => {
    const fromCfn = await graphOf([
      {
        path: "t.yaml",
        content: cfn(`
          Data:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: data
              AccessControl: public-read
              VersioningConfiguration: { Status: Enabled }
              LoggingConfiguration: { DestinationBucketName: logs }
              BucketEncryption:
                ServerSideEncryptionConfiguration:
                  - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: alias/k }
              PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true }
          Policy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref Data
              PolicyDocument: { Statement: [{ Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: arn:aws:s3:::data/* }] }
        `),
      },
    ]);
    const fromTf = await graphOf([
      {
        path: "main.tf",
        content: tf(`
          resource "aws_s3_bucket" "data" {
            bucket = "data"
          }
          resource "aws_s3_bucket_acl" "data" {
            bucket = aws_s3_bucket.data.id
            acl    = "public-read"
          }
          resource "aws_s3_bucket_versioning" "data" {
            bucket = aws_s3_bucket.data.id
            versioning_configuration {
              status = "Enabled"
            }
          }
          resource "aws_s3_bucket_logging" "data" {
            bucket        = aws_s3_bucket.data.id
            target_bucket = "logs"
          }
          resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
            bucket = aws_s3_bucket.data.id
            rule {
              apply_server_side_encryption_by_default {
                sse_algorithm     = "aws:kms"
                kms_master_key_id = "alias/k"
              }
            }
          }
          resource "aws_s3_bucket_public_access_block" "data" {
            bucket                  = aws_s3_bucket.data.id
            block_public_acls       = true
            ignore_public_acls      = true
            block_public_policy     = false
            restrict_public_buckets = true
          }
          resource "aws_s3_bucket_policy" "data" {
            bucket = aws_s3_bucket.data.id
            policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::data/*" }] })
          }
        `),
      },
    ]);
    const a = node(fromCfn, "Data").attrs;
    const b = node(fromTf, "aws_s3_bucket.data").attrs;
    expect(b).toEqual(a);
  });
});

describe("Terraform plan JSON", () => {
  const plan = JSON.stringify(
    {
      format_version: "1.2",
      terraform_version: "1.7.0",
      planned_values: {
        root_module: {
          resources: [
            {
              address: "aws_security_group.web",
              mode: "managed",
              type: "aws_security_group",
              name: "web",
              values: {
                name: "web",
                ingress: [
                  { from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: [] },
                ],
              },
            },
            {
              address: "aws_instance.web[0]",
              mode: "managed",
              type: "aws_instance",
              name: "web",
              index: 0,
              values: { ami: "ami-1", associate_public_ip_address: true },
            },
            {
              address: "aws_instance.web[1]",
              mode: "managed",
              type: "aws_instance",
              name: "web",
              index: 1,
              values: { ami: "ami-1", associate_public_ip_address: true },
            },
            {
              address: "data.aws_caller_identity.me",
              mode: "data",
              type: "aws_caller_identity",
              name: "me",
              values: {},
            },
          ],
          child_modules: [
            {
              address: "module.store",
              resources: [
                {
                  address: "module.store.aws_s3_bucket.data",
                  mode: "managed",
                  type: "aws_s3_bucket",
                  name: "data",
                  values: { bucket: "data", acl: "public-read", policy: null },
                },
              ],
            },
          ],
        },
      },
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_instance.web",
              mode: "managed",
              type: "aws_instance",
              name: "web",
              expressions: {
                vpc_security_group_ids: { references: ["aws_security_group.web.id", "aws_security_group.web"] },
              },
            },
          ],
          module_calls: {
            store: {
              source: "./store",
              module: {
                resources: [
                  {
                    address: "aws_s3_bucket.data",
                    mode: "managed",
                    type: "aws_s3_bucket",
                    name: "data",
                    expressions: {},
                  },
                ],
              },
            },
          },
        },
      },
    },
    null,
    2,
  );

  it("reads planned values of the root and child modules, without lines", async () => {
    const { graph, files } = await buildGraph([{ path: "plan.json", content: plan }]);
    expect(files[0]).toEqual({ path: "plan.json", format: "terraform-plan", resources: 4 });
    expect(graph.nodes.map((n) => n.id)).toEqual([
      "aws_security_group.web",
      "aws_instance.web[0]",
      "aws_instance.web[1]",
      "module.store.aws_s3_bucket.data",
    ]);
    expect(node(graph, "aws_instance.web[1]")).toMatchObject({
      format: "terraform-plan",
      line: null,
      multiplicity: "count",
      attrs: { publicIp: true },
    });
  });

  it("links resources from the configuration's references", async () => {
    const { graph } = await buildGraph([{ path: "plan.json", content: plan }]);
    expect(graph.edges).toContainEqual({
      from: "aws_instance.web[0]",
      to: "aws_security_group.web",
      kind: "security-group",
      via: "vpc_security_group_ids",
    });
    expect(graph.facts.exposures.map((e) => e.nodeId)).toEqual(
      expect.arrayContaining(["aws_instance.web[0]", "aws_instance.web[1]", "module.store.aws_s3_bucket.data"]),
    );
  });

  it("raises the same rules as the HCL, with Terraform fixes and null lines", async () => {
    const result = await analyze([{ path: "plan.json", content: plan }]);
    const ssh = result.threats.find((t) => t.ruleId === "TL-AWS-SG-001")!;
    expect(ssh.evidence).toEqual([{ file: "plan.json", line: null, path: "ingress.0" }]);
    expect(ssh.remediations[0]!.fix).toContain("ingress {");
    expect(result.threats.map((t) => t.ruleId)).toContain("TL-AWS-S3-001");
  });

  it("points plan findings at the .tf lines when the configuration is analysed with the plan", async () => {
    const main = tf(`
      resource "aws_security_group" "web" {
        name = "web"
        ingress {
          from_port   = 22
          to_port     = 22
          protocol    = "tcp"
          cidr_blocks = ["0.0.0.0/0"]
        }
      }
      module "store" {
        source = "./modules/store"
      }
    `);
    const store = tf(`
      resource "aws_s3_bucket" "data" {
        bucket = "data"
      }
    `);
    const result = await analyze([
      { path: "infra/plan.json", content: plan },
      { path: "infra/main.tf", content: main },
      { path: "infra/modules/store/main.tf", content: store },
    ]);
    const ssh = result.threats.filter((t) => t.ruleId === "TL-AWS-SG-001");
    // Once, from the plan (the .tf files are its source map, not a second copy of every resource).
    expect(ssh).toHaveLength(1);
    expect(ssh[0]!.resources[0]!.id).toBe("aws_security_group.web");
    // Inside the ingress block that opens SSH (the plan has no lines of its own).
    const ingress = main.split("\n").indexOf("  ingress {") + 1;
    expect(ssh[0]!.evidence[0]!.file).toBe("infra/main.tf");
    expect(ssh[0]!.evidence[0]!.line).toBeGreaterThanOrEqual(ingress);
    expect(ssh[0]!.evidence[0]!.line).toBeLessThan(ingress + 6);
    const bucket = result.graph.nodes.find((n) => n.id === "module.store.aws_s3_bucket.data")!;
    expect([bucket.file, bucket.line]).toEqual(["infra/modules/store/main.tf", 1]);
    expect(result.files.find((f) => f.path === "infra/main.tf")).toMatchObject({ format: "terraform", resources: 1 });
    // Focused on the plan (the worker analyses a plan with its folder's .tf files as context), its threats stay.
    const focused = await analyze(
      [
        { path: "infra/plan.json", content: plan },
        { path: "infra/main.tf", content: main },
        { path: "infra/modules/store/main.tf", content: store },
      ],
      { focus: ["infra/plan.json"] },
    );
    expect(focused.threats.map((t) => t.fingerprint).sort()).toEqual(result.threats.map((t) => t.fingerprint).sort());
    // Focused on a .tf file instead, the plan's resources are not that file's own threats.
    const onTf = await analyze(
      [
        { path: "infra/plan.json", content: plan },
        { path: "infra/main.tf", content: main },
      ],
      { focus: ["infra/other.tf"] },
    );
    expect(onTf.threats).toEqual([]);
  });

  it("reads state JSON (values) too, and reports broken JSON with a position", async () => {
    const state = JSON.stringify({
      format_version: "1.0",
      terraform_version: "1.7.0",
      values: {
        root_module: {
          resources: [
            {
              address: "aws_sqs_queue.q",
              mode: "managed",
              type: "aws_sqs_queue",
              name: "q",
              values: { sqs_managed_sse_enabled: false },
            },
          ],
        },
      },
    });
    const { graph } = await buildGraph([{ path: "state.json", content: state }]);
    expect(node(graph, "aws_sqs_queue.q").attrs.encrypted).toBe(false);
    const { files } = await buildGraph([
      {
        path: "plan.json",
        content: '{"format_version": "1.2", "terraform_version": "1.7.0", "planned_values": {\n  "root_module": [}',
      },
    ]);
    expect(files[0]!.error).toMatchObject({ code: "template/parse-failed", line: 2 });
  });
});

describe("Terraform detection and errors", () => {
  it.each([
    ["main.tf", "anything", true],
    ["prod.tfvars", 'a = "b"', true],
    ["infra.hcl", 'resource "aws_s3_bucket" "b" {\n}\n', true],
    ["config.yaml", 'resource "x" "y" {', false],
  ])("detects %s", (path, content, expected) => {
    expect(detectTerraform({ path, content })).toBe(expected);
  });

  it("detects plan JSON before anything else", () => {
    expect(
      detectTerraformPlan({
        path: "plan.json",
        content: '{"format_version":"1.2","terraform_version":"1.7.0","planned_values":{}}',
      }),
    ).toBe(true);
    expect(detectTerraformPlan({ path: "x.json", content: '{"openapi":"3.0.0"}' })).toBe(false);
  });

  it("reports HCL syntax errors as template/parse-failed with line and column", async () => {
    const { files } = await buildGraph([
      { path: "bad.tf", content: 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n' },
    ]);
    expect(files[0]).toMatchObject({
      format: "terraform",
      error: { code: "template/parse-failed", line: 2, column: 12 },
    });
  });

  it("refuses nesting deeper than the limit before parsing", async () => {
    const content = `locals {\n  x = ${"[".repeat(200)}${"]".repeat(200)}\n}\n`;
    const { files } = await buildGraph([{ path: "deep.tf", content }]);
    expect(files[0]!.error?.code).toBe("template/too-deep");
  });

  it("keeps good files of a module when one file is broken", async () => {
    const { graph, files } = await buildGraph([
      { path: "a.tf", content: 'resource "aws_sqs_queue" "q" {}\n' },
      { path: "b.tf", content: "resource {\n" },
    ]);
    expect(files.map((f) => f.error?.code)).toEqual([undefined, "template/parse-failed"]);
    expect(graph.nodes.map((n) => n.id)).toEqual(["aws_sqs_queue.q"]);
  });

  it.each([
    'resource "aws_s3_bucket" "b" {\n  bucket = jsonencode({ a = [for x in var.y : x] })\n  grant = 7\n  versioning = "x"\n}\n',
    'resource "aws_security_group" "g" {\n  ingress = 7\n  dynamic "egress" {\n    for_each = var.rules\n    content {\n      from_port = egress.value\n    }\n  }\n}\n',
    'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_iam_role" "r" {\n  assume_role_policy = local.a\n  inline_policy {\n    policy = 3\n  }\n}\n',
    'module "self" {\n  source = "./"\n}\nresource "aws_sqs_queue" "q" {}\n',
    '{"format_version":"1","terraform_version":"1","planned_values":{"root_module":{"resources":[1,{"address":3},{"address":"a.b","type":"aws_s3_bucket","values":[1]}],"child_modules":[null]}},"configuration":7}',
  ])("hostile Terraform never throws out of analyze() (%#)", async (content) => {
    const path = content.startsWith("{") ? "plan.json" : "main.tf";
    await expect(analyze([{ path, content }])).resolves.toBeDefined();
  });
});

describe("text with a byte order mark", () => {
  it("decodes UTF-16 plan files and drops a byte order mark before parsing", async () => {
    const plan = JSON.stringify({
      format_version: "1.2",
      terraform_version: "1.9.0",
      planned_values: {
        root_module: {
          resources: [{ address: "aws_sqs_queue.q", mode: "managed", type: "aws_sqs_queue", name: "q", values: {} }],
        },
      },
    });
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(plan).flatMap((c) => [c.charCodeAt(0), 0])]);
    const text = decodeText(utf16);
    expect(text).toBe(plan);
    const graph = await graphOf([{ path: "plan.json", content: `\uFEFF${plan}` }]);
    expect(graph.nodes.map((n) => n.id)).toEqual(["aws_sqs_queue.q"]);
  });
});

describe("resources a module turns off", () => {
  it("leaves out a resource whose count toggle is known to be 0, keeps it when it is 1 or unknown", async () => {
    const module = tf(`
      variable "create" {
        default = true
      }
      variable "unknown" {}
      resource "aws_sqs_queue" "on" {
        count = var.create ? 1 : 0
      }
      resource "aws_sqs_queue" "off" {
        count = !var.create ? 1 : 0
      }
      resource "aws_sqs_queue" "maybe" {
        count = var.create && var.unknown ? 1 : 0
      }
    `);
    const caller = tf(`
      module "enabled" {
        source = "./mod"
      }
      module "disabled" {
        source = "./mod"
        create = false
      }
    `);
    const graph = await graphOf([
      { path: "main.tf", content: caller },
      { path: "mod/main.tf", content: module },
    ]);
    // `false && unknown` is false whatever the unknown is; `true && unknown` stays unknown (kept).
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([
      "module.disabled.aws_sqs_queue.off",
      "module.enabled.aws_sqs_queue.maybe",
      "module.enabled.aws_sqs_queue.on",
    ]);
  });

  it("evaluates count toggles given through locals, locals written as expressions, and module calls' count", async () => {
    const module = tf(`
      variable "create" {
        default = false
      }
      variable "subnets" {
        default = []
      }
      locals {
        enabled       = false
        on            = true
        create_bucket = var.create && local.on
        off           = !local.on
        instances     = local.enabled ? 1 : 0
        has_subnets   = length(var.subnets) > 0
      }
      resource "aws_sqs_queue" "literal_local" {
        count = local.enabled ? 1 : 0
      }
      resource "aws_sqs_queue" "expression_local" {
        count = local.create_bucket ? 1 : 0
      }
      resource "aws_sqs_queue" "negated_local" {
        count = local.off ? 1 : 0
      }
      resource "aws_sqs_queue" "count_local" {
        count = local.instances
      }
      resource "aws_sqs_queue" "length" {
        count = local.has_subnets ? 1 : 0
      }
      resource "aws_sqs_queue" "kept" {
        count = local.on ? 1 : 0
      }
      resource "aws_sqs_queue" "unknown" {
        count = local.missing ? 1 : 0
      }
    `);
    const caller = tf(`
      locals {
        enabled = false
      }
      module "off" {
        source = "./mod"
        count  = local.enabled ? 1 : 0
      }
      module "on" {
        source = "./mod"
      }
    `);
    const graph = await graphOf([
      { path: "main.tf", content: caller },
      { path: "mod/main.tf", content: module },
    ]);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([
      "module.on.aws_sqs_queue.kept",
      "module.on.aws_sqs_queue.unknown",
    ]);
  });
});
