export * from "./analyze.ts";
export * from "./graph/types.ts";
export type { Finding, Rule, RuleContext } from "./rules/types.ts";
export { RULES } from "./rules/index.ts";
export { DEFAULT_LIMITS, type EngineLimits } from "./formats/types.ts";
