import { describe, expect, it } from "vitest";
import { buildGraph } from "../../src/analyze.ts";
import type { ResourceGraph } from "../../src/graph/types.ts";
import { cfn, tf } from "./harness.ts";

async function graphOf(path: string, content: string): Promise<ResourceGraph> {
  const { graph, files } = await buildGraph([{ path, content }]);
  expect(files[0]!.error).toBeUndefined();
  return graph;
}
const exposure = (graph: ResourceGraph, id: string) => graph.facts.exposures.find((e) => e.nodeId === id);

describe("AWS exposure", () => {
  it("exposes instances with a public IP behind a world-open group, not those in a private subnet", async () => {
    const graph = await graphOf(
      "main.tf",
      tf(`
        resource "aws_internet_gateway" "igw" {
          vpc_id = "vpc-1"
        }
        resource "aws_route_table" "public" {
          vpc_id = "vpc-1"
          route {
            cidr_block = "0.0.0.0/0"
            gateway_id = aws_internet_gateway.igw.id
          }
        }
        resource "aws_subnet" "public" {
          vpc_id = "vpc-1"
        }
        resource "aws_subnet" "private" {
          vpc_id = "vpc-1"
        }
        resource "aws_route_table_association" "public" {
          subnet_id      = aws_subnet.public.id
          route_table_id = aws_route_table.public.id
        }
        resource "aws_security_group" "ssh" {
          ingress {
            from_port   = 22
            to_port     = 22
            protocol    = "tcp"
            cidr_blocks = ["0.0.0.0/0"]
          }
        }
        resource "aws_instance" "front" {
          subnet_id              = aws_subnet.public.id
          vpc_security_group_ids = [aws_security_group.ssh.id]
        }
        resource "aws_instance" "back" {
          subnet_id              = aws_subnet.private.id
          vpc_security_group_ids = [aws_security_group.ssh.id]
        }
      `),
    );
    expect(graph.nodes.find((n) => n.id === "aws_subnet.public")!.attrs.public).toBe(true);
    expect(exposure(graph, "aws_instance.front")).toEqual({
      nodeId: "aws_instance.front",
      path: ["aws_security_group.ssh", "aws_instance.front"],
      reason: "public IP; aws_security_group.ssh allows port 22 from the internet",
    });
    expect(exposure(graph, "aws_instance.back")).toBeUndefined();
  });

  it("exposes what an internet-facing load balancer routes to, and nothing behind an internal one", async () => {
    const lb = (scheme: string) =>
      cfn(`
        Lb:
          Type: AWS::ElasticLoadBalancingV2::LoadBalancer
          Properties: { Scheme: ${scheme} }
        Listener:
          Type: AWS::ElasticLoadBalancingV2::Listener
          Properties: { LoadBalancerArn: !Ref Lb, Port: 443, Protocol: HTTPS, DefaultActions: [{ Type: forward, TargetGroupArn: !Ref Tg }] }
        Tg:
          Type: AWS::ElasticLoadBalancingV2::TargetGroup
          Properties: { Targets: [{ Id: !Ref Host }] }
        Host:
          Type: AWS::EC2::Instance
          Properties: { ImageId: ami-1 }
      `);
    expect(exposure(await graphOf("a.yaml", lb("internet-facing")), "Host")?.path).toEqual([
      "Lb",
      "Listener",
      "Tg",
      "Host",
    ]);
    expect(exposure(await graphOf("b.yaml", lb("internal")), "Host")).toBeUndefined();
  });

  it.each([
    [
      "a public bucket",
      cfn(`\n  B:\n    Type: AWS::S3::Bucket\n    Properties: { AccessControl: PublicRead }\n`),
      "B",
      "public ACL PublicRead",
    ],
    [
      "a public database behind an open group",
      cfn(
        `\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0 }]\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: { Engine: postgres, PubliclyAccessible: true, VPCSecurityGroups: [!Ref G] }\n`,
      ),
      "Db",
      "publicly accessible; G allows port 5432 from the internet",
    ],
    [
      "a function URL without auth",
      cfn(
        `\n  F:\n    Type: AWS::Lambda::Function\n  U:\n    Type: AWS::Lambda::Url\n    Properties: { TargetFunctionArn: !GetAtt F.Arn, AuthType: NONE }\n`,
      ),
      "F",
      "function URL without authentication",
    ],
    [
      "a public OpenSearch domain",
      cfn(`\n  S:\n    Type: AWS::OpenSearchService::Domain\n`),
      "S",
      "public domain endpoint",
    ],
    [
      "an SQS queue open to everyone",
      cfn(
        `\n  Q:\n    Type: AWS::SQS::Queue\n  P:\n    Type: AWS::SQS::QueuePolicy\n    Properties: { Queues: [!Ref Q], PolicyDocument: { Statement: [{ Effect: Allow, Principal: "*", Action: "sqs:*", Resource: "*" }] } }\n`,
      ),
      "Q",
      "resource policy open to everyone",
    ],
  ])("exposes %s", async (_name, content, id, reason) => {
    expect(exposure(await graphOf("t.yaml", content), id)?.reason).toBe(reason);
  });

  it("exposes a bucket behind a CloudFront distribution and functions behind an API", async () => {
    const graph = await graphOf(
      "t.yaml",
      cfn(`
        Site:
          Type: AWS::S3::Bucket
        Cdn:
          Type: AWS::CloudFront::Distribution
          Properties:
            DistributionConfig:
              Origins: [{ Id: s, DomainName: !GetAtt Site.RegionalDomainName, S3OriginConfig: {} }]
        Api:
          Type: AWS::ApiGatewayV2::Api
          Properties: { ProtocolType: HTTP }
        Integration:
          Type: AWS::ApiGatewayV2::Integration
          Properties: { ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn }
        Fn:
          Type: AWS::Lambda::Function
      `),
    );
    expect(exposure(graph, "Site")?.path).toEqual(["Cdn", "Site"]);
    expect(exposure(graph, "Fn")?.path).toEqual(["Api", "Integration", "Fn"]);
  });
});

describe("AWS data stores and identities", () => {
  it("lists data stores and identities with their privileges", async () => {
    const graph = await graphOf(
      "main.tf",
      tf(`
        resource "aws_s3_bucket" "b" {}
        resource "aws_db_instance" "d" {}
        resource "aws_dynamodb_table" "t" {}
        resource "aws_sqs_queue" "q" {}
        resource "aws_iam_group" "admins" {
          name = "admins"
        }
        resource "aws_iam_group_policy_attachment" "admins" {
          group      = aws_iam_group.admins.name
          policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
        }
        resource "aws_iam_user" "alice" {
          name = "alice"
        }
        resource "aws_iam_user_group_membership" "alice" {
          user   = aws_iam_user.alice.name
          groups = [aws_iam_group.admins.name]
        }
        resource "aws_iam_role" "reader" {
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy" "reader" {
          role   = aws_iam_role.reader.id
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
        }
      `),
    );
    expect(graph.facts.dataStores.sort()).toEqual([
      "aws_db_instance.d",
      "aws_dynamodb_table.t",
      "aws_s3_bucket.b",
      "aws_sqs_queue.q",
    ]);
    expect(graph.facts.identities.sort()).toEqual([
      "aws_iam_group.admins",
      "aws_iam_role.reader",
      "aws_iam_user.alice",
    ]);
    const attrs = (id: string) => graph.nodes.find((n) => n.id === id)!.attrs;
    expect(attrs("aws_iam_group.admins")).toMatchObject({ privilege: "admin", admin: true });
    expect(attrs("aws_iam_user.alice")).toMatchObject({ privilege: "admin", admin: true });
    expect(attrs("aws_iam_role.reader")).toMatchObject({ privilege: "read", admin: false });
  });
});
