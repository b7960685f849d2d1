export { cloudFormationHandler, detectCloudFormation, parseTemplate } from "./parse.ts";
export { CFN_TAGS } from "./tags.ts";
