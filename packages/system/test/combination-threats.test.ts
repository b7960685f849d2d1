import { describe, expect, it } from "vitest";
import { SystemGraphSchema } from "@threatline/domain";
import { buildSystemGraph } from "@threatline/system";
import { loadProject } from "./load-project.ts";

const SINGLE_FILE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: audit-events
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: dynamodb:PutItem, Resource: !GetAtt Table.Arn }]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Handler: index.handler
      Runtime: nodejs20.x
      Code: { ZipFile: "exports.handler = async () => 1" }
`;

describe("combination threats across a project", () => {
  it("TL-SYS-001: an internet path through several templates to a sensitive store, with its path", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    expect(() => SystemGraphSchema.parse(g)).not.toThrow();
    const paths = g.threats.filter((t) => t.ruleId === "TL-SYS-001");
    const bucket = paths.find((t) => t.resources[0]!.id === "InvoiceBucket")!;
    expect(bucket.path).toEqual([
      "actor:internet",
      "k8s/web.yaml#Service/shop/web",
      "k8s/web.yaml#Deployment/shop/web",
      "data/data.yaml#InvoiceBucket",
    ]);
    expect(bucket.severity).toBe("high");
    expect(bucket.category).toBe("InformationDisclosure");
    expect(bucket.evidence.map((e) => e.file)).toEqual(["k8s/web.yaml", "k8s/web.yaml", "data/data.yaml"]);
    // Through the role the service account is bound to, in a third file.
    const table = paths.find((t) => t.resources[0]!.id === "aws_dynamodb_table.orders")!;
    expect(table.path).toContain("app/main.tf#aws_iam_role.orders");
    expect(table.path[table.path.length - 1]).toBe("app/main.tf#aws_dynamodb_table.orders");
    // The database nothing reaches is not on a path; the threat is on the store's node too.
    expect(paths.some((t) => t.resources[0]!.id === "CustomerDb")).toBe(false);
    const node = g.nodes.find((n) => n.id === "data/data.yaml#InvoiceBucket")!;
    expect(node.threats.map((t) => t.fingerprint)).toContain(bucket.fingerprint);
  });

  it("TL-SYS-001 is silent when the whole path is in one template (the per-file rules' finding)", async () => {
    const files = loadProject("shop").filter((f) => f.path === "app/main.tf");
    const g = await buildSystemGraph(files);
    // Internet → API → function → table is all in app/main.tf.
    expect(g.threats.filter((t) => t.ruleId === "TL-SYS-001")).toEqual([]);
  });

  it("TL-SYS-002: a workload whose identity reaches a store in another file it has no flow to", async () => {
    const g = await buildSystemGraph(loadProject("shop"));
    const unused = g.threats.filter((t) => t.ruleId === "TL-SYS-002");
    const lambda = unused.find((t) => t.resources[0]!.id === "aws_lambda_function.orders")!;
    // It writes the table (TABLE in its environment); the invoice bucket the shared role reaches it never uses.
    expect(lambda.path).toEqual([
      "app/main.tf#aws_lambda_function.orders",
      "app/main.tf#aws_iam_role.orders",
      "data/data.yaml#InvoiceBucket",
    ]);
    expect(lambda.description).toContain("InvoiceBucket");
    expect(lambda.description).not.toContain("aws_dynamodb_table.orders");
    const web = unused.find((t) => t.resources[0]!.id === "Deployment/shop/web")!;
    expect(web.description).toContain("aws_dynamodb_table.orders");
    expect(web.description).not.toContain("InvoiceBucket");
    expect(web.severity).toBe("medium");
  });

  it("TL-SYS-002 leaves one template's least privilege to the per-file rules, and a role with no access alone", async () => {
    const single = await buildSystemGraph([{ path: "audit.yaml", content: SINGLE_FILE }]);
    expect(single.edges.some((e) => e.kind === "access")).toBe(true);
    expect(single.threats).toEqual([]);
    const modules = await buildSystemGraph(loadProject("modules"));
    expect(modules.threats).toEqual([]);
  });

  it("gives each combination threat a stable fingerprint", async () => {
    const a = await buildSystemGraph(loadProject("shop"));
    const b = await buildSystemGraph(loadProject("shop"));
    expect(a.threats.map((t) => t.fingerprint)).toEqual(b.threats.map((t) => t.fingerprint));
    expect(new Set(a.threats.map((t) => t.fingerprint)).size).toBe(a.threats.length);
  });
});
