export { awsFacts } from "./facts.ts";
export { AWS_KIND_SPECS, pathOf } from "./kinds/index.ts";
export { AWS_RULES } from "./rules/index.ts";
