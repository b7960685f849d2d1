export * from "./analyze.ts";
export * from "./graph/types.ts";
export type { Finding, Rule, RuleContext } from "./rules/types.ts";
export { RULES } from "./rules/index.ts";
export { DEFAULT_LIMITS, type EngineLimits } from "./formats/types.ts";
export {
  redact,
  detectSecrets,
  maskSecrets,
  SECRET_MASK,
  type MaskedSecret,
  type MaskResult,
  type RedactResult,
} from "./secrets/index.ts";
export { compactGraph, estimateTokens, type CompactGraph, type CompactOptions } from "./compact/index.ts";
export { openApiHandler } from "./openapi/index.ts";
export {
  kubernetesHandler,
  isKustomizationFile,
  kustomizationFolderRefs,
  kustomizationReferences,
  renderedFolders,
} from "./kubernetes/index.ts";
export { MAX_TEMPLATE_CONTEXT, informsTemplate } from "./cloudformation/index.ts";
export * from "./suppressions.ts";
export { compileTeamRule, runRuleFixtures, valuesAt, type FixtureResult, type RuleFixture } from "./team-rules.ts";
export { localFileRefs, localModuleDirs } from "./terraform/modules.ts";
export { decodeText } from "./text.ts";
export { declaresRoutes, servesSpec } from "./openapi/serving.ts";
