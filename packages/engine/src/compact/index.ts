export { compactGraph, type CompactGraph, type CompactOptions } from "./compact.ts";
export { estimateTokens } from "./tokens.ts";
