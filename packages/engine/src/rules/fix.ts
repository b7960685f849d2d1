import type { TemplateFormat } from "@threatline/domain";
import { parseDocument } from "yaml";
import { CFN_TAGS } from "../cloudformation/tags.ts";
import type { Dialect } from "../graph/types.ts";

/**
 * Rules write one fix per format, in the format's usual text: CloudFormation, OpenAPI and Kubernetes fixes in
 * YAML (CloudFormation's with short tags), Terraform fixes in HCL. A file written in JSON gets the same fix
 * converted through the YAML parser, short tags read as their `Fn::` forms, so a rule has no JSON twin to keep
 * in step.
 */

/** The language a file is written in, from its first significant character. */
export function dialectOf(format: TemplateFormat, content: string): Dialect {
  if (format === "terraform") return "hcl";
  const first = /^[\s\uFEFF]*(.)/.exec(content)?.[1];
  return first === "{" || first === "[" ? "json" : "yaml";
}

/** The language a rule's fix for `format` is written in. */
export function fixLanguage(format: TemplateFormat): Dialect {
  return format === "terraform" || format === "terraform-plan" ? "hcl" : "yaml";
}

const converted = new Map<string, string | null>();

/**
 * A YAML fix as JSON for a file written in JSON: the snippet's value, indented by two. Comments do not survive
 * (JSON has none); a snippet that is only a comment has no JSON form and gives `undefined`.
 */
export function yamlFixToJson(fix: string, format: TemplateFormat): string | undefined {
  const key = `${format}\u0000${fix}`;
  let out = converted.get(key);
  if (out === undefined) {
    const doc = parseDocument(fix, { customTags: format === "cloudformation" ? CFN_TAGS : [] });
    const value: unknown = doc.errors.length > 0 ? null : doc.toJS();
    out = value === null || value === undefined ? null : JSON.stringify(value, null, 2);
    converted.set(key, out);
  }
  return out ?? undefined;
}

/** A rule's fix for a node's format, in the dialect of the file the node is written in. */
export function fixFor(
  fixes: Partial<Record<TemplateFormat, string>> | undefined,
  format: TemplateFormat,
  dialect: Dialect | undefined,
): string | undefined {
  const fix = fixes?.[format];
  if (fix === undefined) return undefined;
  if (dialect === "json" && fixLanguage(format) === "yaml") return yamlFixToJson(fix, format);
  return fix;
}
