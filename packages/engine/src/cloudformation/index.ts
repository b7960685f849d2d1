export {
  MAX_TEMPLATE_CONTEXT,
  cloudFormationHandler,
  detectCloudFormation,
  informsTemplate,
  parseTemplate,
} from "./parse.ts";
export { CFN_TAGS } from "./tags.ts";
