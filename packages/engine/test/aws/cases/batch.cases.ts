import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json } from "./fixtures.ts";

export const BATCH_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-BATCH-001",
    cfn: {
      pos: [
        one("AWS::Batch::JobDefinition", "Type: container\nContainerProperties:\n  Image: busybox\n  Privileged: true"),
      ],
      neg: [one("AWS::Batch::JobDefinition", "Type: container\nContainerProperties:\n  Image: busybox")],
    },
    json: {
      pos: [
        json("AWS::Batch::JobDefinition", {
          Type: "container",
          ContainerProperties: { Image: "busybox", Privileged: "true" },
        }),
      ],
      neg: [
        json("AWS::Batch::JobDefinition", {
          Type: "container",
          ContainerProperties: { Image: "busybox", Privileged: false },
        }),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_batch_job_definition",
          'name = "j"\ntype = "container"\ncontainer_properties = jsonencode({ image = "busybox", privileged = true })',
        ),
      ],
      neg: [
        res(
          "aws_batch_job_definition",
          'name = "j"\ntype = "container"\ncontainer_properties = jsonencode({ image = "busybox" })',
        ),
      ],
    },
  },
];
