import { describe, expect, it } from "vitest";
import { analyze, buildGraph } from "../../src/analyze.ts";
import { detectCloudFormation } from "../../src/cloudformation/parse.ts";
import { UNRESOLVED, type GraphNode, type ResourceGraph } from "../../src/graph/types.ts";
import { cfn, dedent } from "./harness.ts";

async function graphOf(content: string, path = "template.yaml"): Promise<ResourceGraph> {
  const { graph, files } = await buildGraph([{ path, content }]);
  expect(files[0]!.error).toBeUndefined();
  return graph;
}
const node = (graph: ResourceGraph, id: string): GraphNode => graph.nodes.find((n) => n.id === id)!;
const props = (graph: ResourceGraph, id: string): Record<string, unknown> =>
  node(graph, id).properties.Properties as Record<string, unknown>;

describe("CloudFormation short-form tags", () => {
  const cases: Array<[string, string, unknown]> = [
    ["!Ref", "!Ref Missing", { Ref: "Missing" }],
    ["!Sub", "!Sub 'arn:${AWS::Partition}:s3:::x'", { "Fn::Sub": "arn:${AWS::Partition}:s3:::x" }],
    ["!GetAtt scalar", "!GetAtt Db.Endpoint.Address", { "Fn::GetAtt": ["Db", "Endpoint.Address"] }],
    ["!GetAtt list", "!GetAtt [Db, Arn]", { "Fn::GetAtt": ["Db", "Arn"] }],
    ["!Join", "!Join ['-', [a, !Ref AWS::Region]]", { "Fn::Join": ["-", ["a", { Ref: "AWS::Region" }]] }],
    ["!If", "!If [Unknown, a, b]", { "Fn::If": ["Unknown", "a", "b"] }],
    ["!Select", "!Select [0, !GetAZs '']", { "Fn::Select": [0, { "Fn::GetAZs": "" }] }],
    ["!Split", "!Split [',', !ImportValue shared]", { "Fn::Split": [",", { "Fn::ImportValue": "shared" }] }],
    ["!FindInMap", "!FindInMap [M, !Ref AWS::Region, k]", { "Fn::FindInMap": ["M", { Ref: "AWS::Region" }, "k"] }],
    ["!Base64", "!Base64 { Ref: AWS::StackName }", { "Fn::Base64": { Ref: "AWS::StackName" } }],
    ["!Cidr", "!Cidr [10.0.0.0/16, 4, 8]", { "Fn::Cidr": ["10.0.0.0/16", 4, 8] }],
    ["!ImportValue", "!ImportValue shared-vpc", { "Fn::ImportValue": "shared-vpc" }],
    ["!GetAZs", "!GetAZs ''", { "Fn::GetAZs": "" }],
  ];
  it.each(cases)("%s reads as its long form", async (_name, yaml, expected) => {
    const graph = await graphOf(cfn(`\n  R:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: ${yaml}\n`));
    expect(props(graph, "R").X).toEqual(expected);
  });

  it("reads the condition functions (!Equals !And !Or !Not !Condition)", async () => {
    const graph = await graphOf(
      cfn(
        `\n  R:\n    Type: AWS::SNS::Topic\n    Condition: Both\n    Properties:\n      TopicName: !If [Both, yes-topic, no-topic]\n`,
        `
        Parameters:
          Env: { Type: String, Default: prod }
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
          NotDev: !Not [!Equals [!Ref Env, dev]]
          Either: !Or [!Condition IsProd, !Equals [a, b]]
          Both: !And [!Condition Either, !Condition NotDev]
        `,
      ),
    );
    expect(props(graph, "R").TopicName).toBe("yes-topic");
    expect(node(graph, "R").multiplicity).toBe("conditional");
  });
});

describe("CloudFormation intrinsics", () => {
  const template = cfn(
    `
    Bucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Sub "\${Prefix}-\${AWS::Region}-\${Suffix}"
        AccessControl: !If [IsPublic, PublicRead, Private]
        Tags:
          - { Key: size, Value: !FindInMap [Sizes, !Ref Env, bucket] }
          - { Key: first, Value: !Select [1, !Ref Names] }
          - { Key: joined, Value: !Join ["/", [!Ref Prefix, x]] }
          - { Key: split, Value: !Select [0, !Split [",", "p,q"]] }
          - { Key: escaped, Value: !Sub "\${!Literal}-\${Prefix}" }
          - { Key: vars, Value: !Sub ["\${A}-\${B}", { A: !Ref Prefix, B: two }] }
          - !If [IsPublic, { Key: removed, Value: x }, !Ref AWS::NoValue]
        VersioningConfiguration: { Status: !Ref Versioning }
    `,
    `
    Parameters:
      Prefix: { Type: String, Default: app }
      Suffix: { Type: String }
      Env: { Type: String, Default: prod }
      Names: { Type: CommaDelimitedList, Default: "a, b, c" }
      Versioning: { Type: String }
    Mappings:
      Sizes:
        prod: { bucket: large }
    Conditions:
      IsPublic: !Equals [!Ref Env, dev]
    `,
  );

  it("resolves parameters with defaults, mappings, conditions and literal functions", async () => {
    const graph = await graphOf(template);
    const p = props(graph, "Bucket");
    expect(p.AccessControl).toBe("Private");
    expect(p.Tags).toEqual([
      { Key: "size", Value: "large" },
      { Key: "first", Value: "b" },
      { Key: "joined", Value: "app/x" },
      { Key: "split", Value: "p" },
      { Key: "escaped", Value: "${Literal}-app" },
      { Key: "vars", Value: "app-two" },
    ]);
    expect(node(graph, "Bucket").attrs.acl).toBe("Private");
  });

  it("keeps what is not literal as written, and UNRESOLVED in attrs", async () => {
    const graph = await graphOf(template);
    expect(props(graph, "Bucket").BucketName).toEqual({ "Fn::Sub": "${Prefix}-${AWS::Region}-${Suffix}" });
    expect(node(graph, "Bucket").attrs.name).toBe(UNRESOLVED);
    expect(node(graph, "Bucket").attrs.versioning).toBe(UNRESOLVED);
  });

  it("resolves Fn::Base64 to its text so scripts stay readable", async () => {
    const graph = await graphOf(
      cfn(
        `\n  Host:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData: !Base64 "#!/bin/bash\\necho hi"\n`,
      ),
    );
    expect(node(graph, "Host").attrs.userData).toBe("#!/bin/bash\necho hi");
  });

  it("survives conditions that refer to each other", async () => {
    const graph = await graphOf(
      cfn(
        `\n  T:\n    Type: AWS::SNS::Topic\n    Properties: { TopicName: !If [A, x, y] }\n`,
        "Conditions:\n  A: !Condition B\n  B: !Condition A\n",
      ),
    );
    expect(props(graph, "T").TopicName).toEqual({ "Fn::If": ["A", "x", "y"] });
  });
});

describe("CloudFormation nodes and lines", () => {
  it("uses logical ids, declaration lines and property lines", async () => {
    const content = cfn(
      `\n  Web:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n`,
    );
    const graph = await graphOf(content);
    const web = node(graph, "Web");
    expect(web).toMatchObject({
      type: "AWS::EC2::SecurityGroup",
      kind: "aws.ec2.security-group",
      format: "cloudformation",
      line: 3,
    });
    expect(web.propertyLines["Properties.SecurityGroupIngress.0"]).toBe(8);
    expect(web.propertyLines["Properties.SecurityGroupIngress.0.CidrIp"]).toBe(11);
    const result = await analyze([{ path: "t.yaml", content }]);
    const ssh = result.threats.find((t) => t.ruleId === "TL-AWS-SG-001")!;
    // The evidence is the offending property: the source range.
    expect(ssh.evidence[0]).toEqual({ file: "t.yaml", line: 11, path: "Properties.SecurityGroupIngress.0.CidrIp" });
    expect(ssh.resources[0]).toEqual({ id: "Web", type: "AWS::EC2::SecurityGroup", file: "t.yaml", line: 3 });
  });

  it("reads JSON templates with lines", async () => {
    const json = JSON.stringify(
      {
        AWSTemplateFormatVersion: "2010-09-09",
        Resources: { Data: { Type: "AWS::S3::Bucket", Properties: { AccessControl: "PublicRead" } } },
      },
      null,
      2,
    );
    const graph = await graphOf(json, "template.json");
    expect(node(graph, "Data")).toMatchObject({ line: 4, attrs: { acl: "PublicRead" } });
    expect(node(graph, "Data").propertyLines["Properties.AccessControl"]).toBe(7);
  });

  it("keeps resources it has no model for as aws.other", async () => {
    const graph = await graphOf(
      cfn(
        `\n  Thing:\n    Type: AWS::IoT::Thing\n  Custom:\n    Type: Custom::Seeder\n    Properties: { ServiceToken: arn:x }\n`,
      ),
    );
    expect(node(graph, "Thing").kind).toBe("aws.other");
    expect(node(graph, "Custom").kind).toBe("aws.other");
  });
});

describe("CloudFormation edges", () => {
  const content = cfn(`
    Key:
      Type: AWS::KMS::Key
    Logs:
      Type: AWS::S3::Bucket
    Data:
      Type: AWS::S3::Bucket
      Properties:
        LoggingConfiguration: { DestinationBucketName: !Ref Logs }
        BucketEncryption:
          ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: !GetAtt Key.Arn }
    Group:
      Type: AWS::EC2::SecurityGroup
      Properties: { GroupDescription: g }
    Subnet:
      Type: AWS::EC2::Subnet
      Properties: { VpcId: vpc-1, CidrBlock: 10.0.0.0/24 }
    Policy:
      Type: AWS::IAM::ManagedPolicy
      Properties:
        PolicyDocument:
          Statement: [{ Effect: Allow, Action: s3:GetObject, Resource: !Sub "\${Data.Arn}/*" }]
    Role:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument: { Statement: [] }
        ManagedPolicyArns: [!Ref Policy]
    Profile:
      Type: AWS::IAM::InstanceProfile
      Properties: { Roles: [!Ref Role] }
    Host:
      Type: AWS::EC2::Instance
      DependsOn: Data
      Properties:
        IamInstanceProfile: !Ref Profile
        SecurityGroupIds: [!GetAtt Group.GroupId]
        SubnetId: !Ref Subnet
        UserData: !Base64 { "Fn::Sub": "BUCKET=\${Data}" }
  `);

  it.each([
    ["Data", "Logs", "logs-to", "Properties.LoggingConfiguration.DestinationBucketName"],
    [
      "Data",
      "Key",
      "encrypted-by",
      "Properties.BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.KMSMasterKeyID",
    ],
    ["Host", "Group", "security-group", "Properties.SecurityGroupIds.0"],
    ["Host", "Subnet", "in-subnet", "Properties.SubnetId"],
    ["Host", "Profile", "iam-role", "Properties.IamInstanceProfile"],
    ["Profile", "Role", "iam-role", "Properties.Roles.0"],
    ["Role", "Policy", "iam-policy", "Properties.ManagedPolicyArns.0"],
    ["Policy", "Data", "references", "Properties.PolicyDocument.Statement.0.Resource"],
    ["Host", "Data", "references", "Properties.UserData"],
    ["Host", "Data", "depends-on", "DependsOn"],
  ])("%s → %s (%s)", async (from, to, kind, via) => {
    const graph = await graphOf(content);
    expect(graph.edges).toContainEqual({ from, to, kind, via });
  });

  it("routes a load balancer through listener and target group to the instances of an auto scaling group", async () => {
    const graph = await graphOf(
      cfn(`
        Lb:
          Type: AWS::ElasticLoadBalancingV2::LoadBalancer
        Listener:
          Type: AWS::ElasticLoadBalancingV2::Listener
          Properties: { LoadBalancerArn: !Ref Lb, Protocol: HTTP, Port: 80, DefaultActions: [{ Type: forward, TargetGroupArn: !Ref Tg }] }
        Tg:
          Type: AWS::ElasticLoadBalancingV2::TargetGroup
        Asg:
          Type: AWS::AutoScaling::AutoScalingGroup
          Properties: { MinSize: "1", MaxSize: "1", TargetGroupARNs: [!Ref Tg], LaunchConfigurationName: !Ref Launch }
        Launch:
          Type: AWS::AutoScaling::LaunchConfiguration
          Properties: { ImageId: ami-1, InstanceType: t3.micro }
      `),
    );
    const routes = graph.edges.filter((e) => e.kind === "routes-to").map((e) => `${e.from}>${e.to}`);
    expect(routes).toEqual(expect.arrayContaining(["Lb>Listener", "Listener>Tg", "Tg>Asg", "Asg>Launch"]));
    expect(graph.facts.exposures.find((e) => e.nodeId === "Launch")?.path).toEqual([
      "Lb",
      "Listener",
      "Tg",
      "Asg",
      "Launch",
    ]);
  });
});

describe("CloudFormation companions fold into the resource they configure", () => {
  it("folds SecurityGroupIngress, BucketPolicy, QueuePolicy and access keys", async () => {
    const graph = await graphOf(
      cfn(`
        Group:
          Type: AWS::EC2::SecurityGroup
          Properties: { GroupDescription: g }
        Ssh:
          Type: AWS::EC2::SecurityGroupIngress
          Properties: { GroupId: !Ref Group, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
        Bucket:
          Type: AWS::S3::Bucket
          Properties: { BucketName: data }
        ByName:
          Type: AWS::S3::BucketPolicy
          Properties: { Bucket: data, PolicyDocument: { Statement: [{ Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "*" }] } }
        User:
          Type: AWS::IAM::User
        Key:
          Type: AWS::IAM::AccessKey
          Properties: { UserName: !Ref User }
      `),
    );
    expect(node(graph, "Group").attrs.ingress).toEqual([
      {
        protocol: "tcp",
        from: 22,
        to: 22,
        cidr: "0.0.0.0/0",
        path: "Properties",
        cidrPath: "Properties.CidrIp",
        via: "Ssh",
      },
    ]);
    expect(node(graph, "Bucket").attrs.policy).toMatchObject({ Statement: [{ Principal: "*" }] });
    expect(node(graph, "User").attrs.accessKeys).toBe(true);
  });
});

describe("SAM", () => {
  const sam = cfn(
    `
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Handler: app.handler
        CodeUri: src/
        Environment: { Variables: { TABLE: orders } }
        Events:
          List: { Type: Api, Properties: { Path: /orders, Method: get } }
    `,
    `
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: python3.7
        Tracing: Active
        Environment: { Variables: { STAGE: prod } }
    `,
  );

  it("merges Globals into functions", async () => {
    const graph = await graphOf(sam);
    expect(node(graph, "Fn").attrs).toMatchObject({ runtime: "python3.7", tracing: true, env: ["STAGE", "TABLE"] });
  });

  it("creates the implicit ServerlessRestApi as a public entry point routing to the function", async () => {
    const graph = await graphOf(sam);
    expect(node(graph, "ServerlessRestApi")).toMatchObject({
      kind: "aws.apigateway.rest-api",
      type: "AWS::Serverless::Api",
      line: 16,
    });
    expect(graph.edges).toContainEqual({ from: "ServerlessRestApi", to: "Fn", kind: "routes-to" });
    expect(graph.facts.exposures.find((e) => e.nodeId === "Fn")?.path).toEqual(["ServerlessRestApi", "Fn"]);
    const result = await analyze([{ path: "t.yaml", content: sam }]);
    expect(result.threats.map((t) => t.ruleId)).toEqual(
      expect.arrayContaining(["TL-AWS-API-001", "TL-AWS-LAMBDA-005"]),
    );
  });
});

describe("NoEcho parameters", () => {
  it("report a default value as a secret", async () => {
    const content = cfn(
      `\n  T:\n    Type: AWS::SNS::Topic\n`,
      "Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n    Default: correct-horse-battery\n",
    );
    const graph = await graphOf(content);
    expect(graph.facts.secrets).toContainEqual(
      expect.objectContaining({
        kind: "noecho-default",
        path: "Parameters.DbPassword.Default",
        line: 6,
        value: "correct-horse-battery",
      }),
    );
  });
});

describe("CloudFormation detection", () => {
  it.each([
    ["format version", 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n', true],
    ["Resources with AWS types", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", true],
    ["Resources with custom types", '{"Resources": {"C": {"Type": "Custom::Thing"}}}', true],
    ["a Kubernetes manifest", "apiVersion: v1\nkind: Pod\nmetadata: { name: p }\n", false],
    ["an OpenAPI document", "openapi: 3.0.0\ninfo: { title: t, version: '1' }\npaths: {}\n", false],
  ])("%s", (_name, content, expected) => {
    expect(detectCloudFormation({ path: "x.yaml", content })).toBe(expected);
  });
});

describe("CloudFormation errors", () => {
  it("reports syntax errors as template/parse-failed with line and column", async () => {
    const { files } = await buildGraph([
      {
        path: "bad.yaml",
        content:
          'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n   Properties: {}\n',
      },
    ]);
    expect(files[0]).toMatchObject({
      format: "cloudformation",
      error: { code: "template/parse-failed", line: 5, column: 1 },
    });
  });

  it("refuses an alias bomb quickly", async () => {
    const lines = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      "Metadata:",
      '  a: &a ["x","x","x","x","x","x","x","x","x","x"]',
    ];
    const names = "abcdefghij";
    for (let i = 1; i < names.length; i++)
      lines.push(
        `  ${names[i]}: &${names[i]} [${Array(10)
          .fill(`*${names[i - 1]}`)
          .join(",")}]`,
      );
    lines.push("Resources:", "  B:", "    Type: AWS::S3::Bucket", "    Properties: { Tags: *j }");
    const started = performance.now();
    const { files } = await buildGraph([{ path: "bomb.yaml", content: lines.join("\n") }]);
    expect(files[0]!.error?.code).toBe("template/too-many-aliases");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses nesting deeper than the limit", async () => {
    const deep = `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: { Tags: ${"[".repeat(100)}${"]".repeat(100)} }\n`;
    const { files } = await buildGraph([{ path: "deep.yaml", content: deep }]);
    expect(files[0]!.error?.code).toBe("template/too-deep");
  });

  it("reports a template without Resources", async () => {
    const { files } = await buildGraph([
      { path: "x.yaml", content: 'AWSTemplateFormatVersion: "2010-09-09"\nDescription: nothing\n' },
    ]);
    expect(files[0]!.error?.code).toBe("template/parse-failed");
  });

  it("refuses more resources than the limit", async () => {
    const content = cfn(Array.from({ length: 5 }, (_, i) => `T${i}:\n  Type: AWS::SNS::Topic`).join("\n"));
    const { files } = await buildGraph([{ path: "x.yaml", content }], { maxResources: 3 });
    expect(files[0]!.error?.code).toBe("template/too-large");
  });
});

describe("hostile CloudFormation never throws out of analyze()", () => {
  const hostile = [
    "AWSTemplateFormatVersion: x\nResources: [1, 2, 3]\n",
    "AWSTemplateFormatVersion: x\nResources:\n  A: 1\n  B: { Type: 42 }\n  C: { Type: AWS::S3::Bucket, Properties: not-a-map }\n  D: { Type: AWS::EC2::SecurityGroup, Properties: { SecurityGroupIngress: [1, [2], { FromPort: { x: 1 } }] } }\n",
    "AWSTemplateFormatVersion: x\nResources:\n  E: { Type: AWS::IAM::Role, Properties: { AssumeRolePolicyDocument: { Statement: 7 }, Policies: [null, { PolicyDocument: [1] }] } }\n  F: { Type: AWS::Lambda::Function, Properties: { Environment: [1], Events: 3 } }\n",
    dedent(`
      AWSTemplateFormatVersion: x
      Conditions: { A: { "Fn::Equals": 3 }, B: [1] }
      Resources:
        G:
          Type: AWS::S3::Bucket
          Condition: A
          Properties:
            BucketName: { "Fn::Sub": [1, 2] }
            Tags: { "Fn::If": [B] }
            X: { "Fn::FindInMap": [1] }
            Y: { "Fn::Select": [x, y] }
            Z: { Ref: [1] }
      `),
    "AWSTemplateFormatVersion: x\nResources:\n  H:\n    Type: AWS::S3::Bucket\n    Properties: !Ref\n",
    "\u00ffAWSTemplateFormatVersion: \t\nResources:\n\t- x",
  ];
  it.each(hostile.map((h, i) => [i, h] as const))("hostile template %i", async (_i, content) => {
    await expect(analyze([{ path: "h.yaml", content }])).resolves.toBeDefined();
  });
});
