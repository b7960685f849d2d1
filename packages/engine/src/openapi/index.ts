export {
  openApiHandler,
  parseOpenApi,
  looksLikeOpenApi,
  type OperationAttrs,
  type ApiAttrs,
  type SecuritySchemeAttrs,
  type SchemaField,
  type ApiParameter,
  type SecurityRequirement,
} from "./parse.ts";
export { OPENAPI_RULES } from "./rules.ts";
export { openApiFacts } from "./facts.ts";
