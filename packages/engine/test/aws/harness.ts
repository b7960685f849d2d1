import { analyze, type AnalyzeResult } from "../../src/analyze.ts";
import type { Rule } from "../../src/rules/types.ts";

/** Removes the common indentation of a template literal, so fixtures can be written indented. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, "").replace(/\s+$/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n") + "\n";
}

/** A CloudFormation template with the given resources (indented YAML under `Resources:`). */
export function cfn(resources: string, extra = ""): string {
  const body = dedent(resources)
    .split("\n")
    .map((l) => (l ? `  ${l}` : l))
    .join("\n");
  return `AWSTemplateFormatVersion: "2010-09-09"\n${extra ? dedent(extra) : ""}Resources:\n${body}`;
}

export function tf(hcl: string): string {
  return dedent(hcl);
}

export async function run(path: string, content: string, rules?: readonly Rule[]): Promise<AnalyzeResult> {
  return analyze([{ path, content }], rules ? { rules } : {});
}

export async function ruleIds(path: string, content: string, rules?: readonly Rule[]): Promise<string[]> {
  const result = await run(path, content, rules);
  const failed = result.files.find((f) => f.error);
  if (failed)
    throw new Error(`${path}: ${failed.error!.code} ${failed.error!.message} (line ${String(failed.error!.line)})`);
  return result.threats.map((t) => t.ruleId ?? "");
}
