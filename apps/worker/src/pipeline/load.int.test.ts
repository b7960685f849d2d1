import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support.ts";
import { loadAnalysis } from "./load.ts";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: "web:1.2.3" }] }
`;
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
const STACK = `Resources:\n  B:\n    Type: AWS::S3::Bucket\n`;
const SPEC = `openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /x:\n    $ref: "./paths/x.yaml"\n`;
const PATH_X = `get:\n  responses:\n    "200": { $ref: "../common/ok.yaml#/Ok" }\n`;
const OK = `Ok:\n  description: ok\n`;
const EXAMPLE = `module "queue" {\n  source = "../../modules/queue"\n}\nresource "aws_sns_topic" "t" {\n  name = "t"\n}\n`;
const QUEUE = `module "dlq" {\n  source = "./dlq"\n}\nresource "aws_sqs_queue" "q" {\n  name = "q"\n}\n`;
const DLQ = `resource "aws_sqs_queue" "dlq" {\n  name = "dlq"\n}\n`;
const READS_POLICY = `resource "aws_iam_policy" "p" {\n  policy = file("\${path.module}/policies/app.json")\n}\n`;
const POLICY_JSON = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`;

describe("loadAnalysis hands the engine a file's folder as context", () => {
  let database: TestDatabase;
  let projectId: string;
  const versionOf = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    const team = await db.team.create({ data: { name: `load-${Date.now()}` } });
    projectId = (await db.project.create({ data: { teamId: team.id, name: "p" } })).id;
    for (const [path, content] of [
      ["k8s/deployment.yaml", DEPLOYMENT],
      ["k8s/network-policy.yaml", POLICY],
      ["k8s/stack.yaml", STACK],
      ["other/policy.yaml", POLICY],
      ["examples/complete/main.tf", EXAMPLE],
      ["modules/queue/main.tf", QUEUE],
      ["modules/queue/dlq/main.tf", DLQ],
      ["modules/other/main.tf", DLQ],
      ["api/openapi.yaml", SPEC],
      ["api/paths/x.yaml", PATH_X],
      ["api/common/ok.yaml", OK],
      ["api/common/unused.yaml", OK],
      ["iam/main.tf", READS_POLICY],
      ["iam/policies/app.json", POLICY_JSON],
      ["iam/policies/other.json", POLICY_JSON],
    ] as const) {
      const sha256 = createHash("sha256").update(content).digest("hex");
      await db.blob.upsert({ where: { sha256 }, create: { sha256, content, size: content.length }, update: {} });
      const template = await db.template.create({ data: { projectId, path } });
      const version = await db.templateVersion.create({ data: { templateId: template.id, sha256 } });
      versionOf.set(path, version.id);
    }
  });
  afterAll(async () => database.drop());

  it("a Kubernetes manifest gets the other manifests of its folder, not other formats or folders", async () => {
    const analysis = await database.db.analysis.create({
      data: { projectId, templateVersionId: versionOf.get("k8s/deployment.yaml")!, engineVersion: "test" },
    });
    const loaded = await loadAnalysis(database.db, analysis.id);
    expect(loaded?.files.map((f) => f.path)).toEqual(["k8s/deployment.yaml", "k8s/network-policy.yaml"]);
  });

  it("an OpenAPI spec gets the project's files its $refs name, transitively, and no others", async () => {
    const analysis = await database.db.analysis.create({
      data: { projectId, templateVersionId: versionOf.get("api/openapi.yaml")!, engineVersion: "test" },
    });
    expect((await loadAnalysis(database.db, analysis.id))?.files.map((f) => f.path)).toEqual([
      "api/openapi.yaml",
      "api/paths/x.yaml",
      "api/common/ok.yaml",
    ]);
  });

  it("a CloudFormation template is analysed alone", async () => {
    const analysis = await database.db.analysis.create({
      data: { projectId, templateVersionId: versionOf.get("k8s/stack.yaml")!, engineVersion: "test" },
    });
    expect((await loadAnalysis(database.db, analysis.id))?.files.map((f) => f.path)).toEqual(["k8s/stack.yaml"]);
  });

  it("a Terraform folder gets the project's files of the local modules it calls, and of the modules those call", async () => {
    const analysis = await database.db.analysis.create({
      data: { projectId, templateVersionId: versionOf.get("examples/complete/main.tf")!, engineVersion: "test" },
    });
    expect((await loadAnalysis(database.db, analysis.id))?.files.map((f) => f.path)).toEqual([
      "examples/complete/main.tf",
      "modules/queue/main.tf",
      "modules/queue/dlq/main.tf",
    ]);
  });

  it("a Terraform folder gets the project's files its .tf files read with file(), and no others", async () => {
    const analysis = await database.db.analysis.create({
      data: { projectId, templateVersionId: versionOf.get("iam/main.tf")!, engineVersion: "test" },
    });
    expect((await loadAnalysis(database.db, analysis.id))?.files.map((f) => f.path)).toEqual([
      "iam/main.tf",
      "iam/policies/app.json",
    ]);
  });
});
