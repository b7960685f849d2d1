export * from "./analyze.ts";
export * from "./graph/types.ts";
export type { Finding, Rule, RuleContext } from "./rules/types.ts";
export { RULES } from "./rules/index.ts";
export { DEFAULT_LIMITS, type EngineLimits } from "./formats/types.ts";
export { redact, detectSecrets, type RedactResult } from "./secrets/index.ts";
export { compactGraph, estimateTokens, type CompactGraph, type CompactOptions } from "./compact/index.ts";
export { openApiHandler } from "./openapi/index.ts";
export { kubernetesHandler } from "./kubernetes/index.ts";
