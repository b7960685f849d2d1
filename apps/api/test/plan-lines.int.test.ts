import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalysisDto, type BatchDto, type Threat } from "@threatline/domain";
import { createProject, submitAndWait, type TestFile } from "@threatline/test-utils";
import { createHarness, type Harness } from "./harness.ts";

const PLAN = JSON.stringify(
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
        ],
        child_modules: [
          {
            address: "module.store",
            resources: [
              {
                address: "module.store.aws_sqs_queue.jobs",
                mode: "managed",
                type: "aws_sqs_queue",
                name: "jobs",
                values: { name: "jobs", sqs_managed_sse_enabled: false },
              },
            ],
          },
        ],
      },
    },
  },
  null,
  2,
);

const MAIN = `terraform {
  required_version = ">= 1.5"
}

module "store" {
  source = "./modules/store"
}

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

const STORE = `variable "name" {
  default = "jobs"
}

resource "aws_sqs_queue" "jobs" {
  name                    = var.name
  sqs_managed_sse_enabled = false
}
`;

describe("worker: a Terraform plan JSON is analysed with the .tf files it was planned from", () => {
  let h: Harness;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    projectId = await createProject(h.app, "planned");
    h.startWorker();
  });
  afterAll(async () => h.close());

  const submit = (files: TestFile[]) => submitAndWait(h.app, projectId, files);

  async function analysisOf(batch: BatchDto, path: string): Promise<{ analysis: AnalysisDto; threats: Threat[] }> {
    const id = batch.analyses.find((a) => a.path === path)!.id;
    const analysis = (await request(h.app).get(`/api/v1/analyses/${id}`).expect(200)).body as AnalysisDto;
    expect(analysis.status).toBe("succeeded");
    const threats = (
      (await request(h.app).get(`/api/v1/analyses/${id}/threats?limit=500`).expect(200)).body as { items: Threat[] }
    ).items;
    return { analysis, threats };
  }

  it("points the plan's threats at the resource's .tf file and line, in the root and in a local module", async () => {
    const batch = await submit([
      { path: "infra/plan.json", content: PLAN },
      { path: "infra/main.tf", content: MAIN },
      { path: "infra/modules/store/main.tf", content: STORE },
    ]);
    const { analysis, threats } = await analysisOf(batch, "infra/plan.json");
    expect(analysis.format).toBe("terraform-plan");
    expect(analysis.resourceCount).toBe(2);

    const ssh = threats.find((t) => t.ruleId === "TL-AWS-SG-001");
    expect(ssh?.resources[0]).toMatchObject({ id: "aws_security_group.web", file: "infra/main.tf", line: 9 });
    const ingress = MAIN.split("\n").indexOf("  ingress {") + 1;
    expect(ssh!.evidence[0]!.file).toBe("infra/main.tf");
    expect(ssh!.evidence[0]!.line).toBeGreaterThanOrEqual(ingress);
    expect(ssh!.evidence[0]!.line).toBeLessThan(ingress + 6);

    const queue = threats.find((t) => t.ruleId === "TL-AWS-SQS-001");
    expect(queue?.resources[0]).toMatchObject({
      id: "module.store.aws_sqs_queue.jobs",
      file: "infra/modules/store/main.tf",
      line: 5,
    });
    expect(threats.every((t) => t.evidence.every((e) => e.line !== null))).toBe(true);
  });

  it("keeps the plan's own file, without lines, when the project holds no configuration next to it", async () => {
    const batch = await submit([{ path: "alone/plan.json", content: PLAN }]);
    const { analysis, threats } = await analysisOf(batch, "alone/plan.json");
    expect(analysis.resourceCount).toBe(2);
    const ssh = threats.find((t) => t.ruleId === "TL-AWS-SG-001");
    expect(ssh?.resources[0]).toMatchObject({ file: "alone/plan.json", line: null });
  });
});
