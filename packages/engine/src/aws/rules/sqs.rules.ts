import type { GraphEdge, ResourceGraph } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";
import { pushTo } from "../values.ts";

// TL-AWS-SQS: SQS.

/** Properties through which a resource sends its failed messages somewhere (a redrive *allow* policy is the DLQ's own). */
const DLQ_VIA = /dead.?letter|redrive(?!.?allow)|on.?failure/i;

const incomingCache = new WeakMap<ResourceGraph, Map<string, GraphEdge[]>>();

/** Edges into a node, indexed once per graph (a scan of every edge per queue was quadratic in large templates). */
function incomingEdges(ctx: RuleContext, id: string): GraphEdge[] {
  let index = incomingCache.get(ctx.graph);
  if (!index) {
    index = new Map();
    for (const edge of ctx.graph.edges) pushTo(index, edge.to, edge);
    incomingCache.set(ctx.graph, index);
  }
  return index.get(id) ?? [];
}

function hasKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  return key in record || (record.Properties !== undefined && hasKey(record.Properties, key));
}

export const SQS_RULES = [
  awsRule({
    id: "TL-AWS-SQS-001",
    title: "SQS queue is not encrypted",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.sqs.queue"],
    description: "Queue {resource} declares no server-side encryption (or turns SQS-managed encryption off).",
    why: "New queues get SQS-managed encryption (SSE-SQS) by default since 2022, so a queue that only declares nothing is a low finding; one that turns SSE-SQS off keeps messages unencrypted.",
    remediation: "Enable SSE with a KMS key, or at least SQS-managed SSE.",
    fix: {
      cloudformation: "Properties:\n  KmsMasterKeyId: alias/aws/sqs",
      terraform: 'kms_master_key_id = "alias/aws/sqs"',
    },
    cwe: ["CWE-311"],
    test: (node) =>
      node.attrs.encrypted === false && {
        paths: [at(node, "encrypted")],
        // Undeclared means SSE-SQS by AWS's default: only the choice of key is missing.
        ...(node.attrs.sseDeclared === true
          ? {}
          : {
              likelihood: 1,
              detail: `Queue ${node.id} declares no encryption; AWS applies SSE-SQS by default, so no KMS key policy limits who reads its messages.`,
            }),
      },
  }),
  awsRule({
    id: "TL-AWS-SQS-002",
    title: "SQS queue policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: policyKinds("aws.sqs.queue"),
    description:
      'The policy of queue {resource} allows Principal "*" without a condition: anyone can read, send or delete messages.',
    remediation: "Grant the queue to named principals or services, with aws:SourceArn conditions.",
    fix: {
      cloudformation:
        "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: sns.amazonaws.com\n      Action: sqs:SendMessage\n      Resource: !GetAtt Queue.Arn\n      Condition:\n        ArnEquals:\n          aws:SourceArn: !Ref Topic",
      terraform:
        'statement {\n  actions   = ["sqs:SendMessage"]\n  resources = [aws_sqs_queue.this.arn]\n  principals {\n    type        = "Service"\n    identifiers = ["sns.amazonaws.com"]\n  }\n  condition {\n    test     = "ArnEquals"\n    variable = "aws:SourceArn"\n    values   = [aws_sns_topic.this.arn]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.sqs.queue"),
  }),
  awsRule({
    id: "TL-AWS-SQS-003",
    title: "SQS queue has no dead-letter queue",
    category: "DenialOfService",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.sqs.queue"],
    description:
      "Queue {resource} has no redrive policy: a poison message is retried until it expires and blocks or slows its consumers.",
    remediation: "Add a dead-letter queue with a maxReceiveCount.",
    fix: {
      cloudformation:
        "Properties:\n  RedrivePolicy:\n    deadLetterTargetArn: !GetAtt DeadLetterQueue.Arn\n    maxReceiveCount: 5",
      terraform:
        "redrive_policy = jsonencode({\n  deadLetterTargetArn = aws_sqs_queue.dlq.arn\n  maxReceiveCount     = 5\n})",
    },
    cwe: ["CWE-400"],
    exposedBoost: 0,
    test: (node, ctx) => {
      if (node.attrs.dlq !== false) return null;
      // A queue that receives other resources' failures is a dead-letter queue itself: another queue's redrive
      // policy, a function's or a rule target's DeadLetterConfig, an event source's on-failure destination, a
      // subscription's redrive policy, or a queue that allows redrive into it or is named as one.
      const incoming = incomingEdges(ctx, node.id);
      const receivesFailures = incoming.some((e) => DLQ_VIA.test(e.via ?? ""));
      const allowsRedrive =
        hasKey(node.properties, "RedriveAllowPolicy") || hasKey(node.properties, "redrive_allow_policy");
      const isDlq = receivesFailures || allowsRedrive;
      // A redrive policy declared as its own resource (aws_sqs_queue_redrive_policy) gives this queue one.
      const redriveElsewhere = incoming.some((e) => ctx.byId.get(e.from)?.type === "aws_sqs_queue_redrive_policy");
      const named = /(^|[^a-z])(dlq|dead[-_ ]?letter)/i.test(
        `${node.id} ${typeof node.attrs.name === "string" ? node.attrs.name : ""}`,
      );
      return !isDlq && !redriveElsewhere && !named && { paths: [at(node, "dlq")] };
    },
  }),
];
