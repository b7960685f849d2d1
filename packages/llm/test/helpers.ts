import { type StrideCategory, type Threat, severityFromScore, threatFingerprint } from "@threatline/domain";
import type { GraphEdge, GraphNode, ResourceGraph } from "@threatline/engine";
import { type LlmConfig, loadLlmConfig } from "../src/config.ts";

/** A hand-made node; the file defaults to `main.yaml`. */
export function node(id: string, extra: Partial<GraphNode> = {}): GraphNode {
  return {
    id,
    type: "AWS::S3::Bucket",
    kind: "aws.s3.bucket",
    format: "cloudformation",
    file: "main.yaml",
    line: 10,
    attrs: { public: false },
    properties: { BucketName: id.toLowerCase() },
    propertyLines: { "Properties.BucketName": 11 },
    ...extra,
  };
}

export function graphOf(
  nodes: GraphNode[],
  edges: GraphEdge[] = [],
  secrets: ResourceGraph["facts"]["secrets"] = [],
): ResourceGraph {
  return { nodes, edges, facts: { exposures: [], dataStores: [], identities: [], secrets } };
}

/** A rule threat as the engine makes them. */
export function ruleThreat(
  ruleId: string,
  resource: GraphNode,
  category: StrideCategory = "InformationDisclosure",
  title = "Bucket is public",
  likelihood = 4,
  impact = 4,
): Threat {
  const score = likelihood * impact;
  return {
    fingerprint: threatFingerprint({ category, ruleId, title, file: resource.file, resourceId: resource.id }),
    ruleId,
    category,
    title,
    description: "Rule description.",
    severity: severityFromScore(score),
    likelihood,
    impact,
    score,
    resources: [{ id: resource.id, type: resource.type, file: resource.file, line: resource.line }],
    evidence: [{ file: resource.file, line: resource.line, path: "" }],
    remediations: [{ text: "Rule remediation." }],
    references: { cwe: ["CWE-284"], capec: [], attack: [] },
    source: "rule",
  };
}

/** A Bedrock config pointed at an endpoint (the fake), with overrides. */
export function bedrockConfig(endpoint: string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  const config = loadLlmConfig({
    THREATLINE_LLM_PROVIDER: "bedrock",
    BEDROCK_ENDPOINT: endpoint,
    AWS_REGION: "us-east-1",
  });
  if (!config) throw new Error("config expected");
  return { ...config, ...overrides };
}
