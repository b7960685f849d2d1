import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { sha256Hex } from "@threatline/domain";
import { toolInputSchema } from "./schema.ts";

/** The repository's `prompts/` folder. */
export const PROMPTS_DIR = fileURLToPath(new URL("../../../prompts/", import.meta.url));

export interface PromptTemplate {
  version: string;
  system: string;
  user: string;
  /** The tool's input schema as sent to the model: `leanToolSchema` of the validation schema. */
  toolSchema: Record<string, unknown>;
  /** sha256 of system + user template + tool schema: stored on every analysis and part of the cache key. */
  hash: string;
}

const loaded = new Map<string, PromptTemplate>();

/** Loads a prompt version (`prompts/<version>/{system,user}.md`) once per process. */
export function loadPrompt(version: string, dir: string = PROMPTS_DIR): PromptTemplate {
  const key = join(dir, version);
  const cached = loaded.get(key);
  if (cached) return cached;
  const system = readFileSync(join(key, "system.md"), "utf8").trim();
  const user = readFileSync(join(key, "user.md"), "utf8").trim();
  const toolSchema = leanToolSchema(toolInputSchema());
  const hash = sha256Hex([system, user, JSON.stringify(toolSchema)].join("\u0000"));
  const prompt = { version, system, user, toolSchema, hash };
  loaded.set(key, prompt);
  return prompt;
}

/** Bounds the answer is validated against but the model needs no telling of (it writes far less). */
const VALIDATION_ONLY = new Set(["minLength", "maxLength", "maxItems"]);
/** Properties whose meaning the system prompt already states: their description would be said twice. */
const STATED_IN_PROMPT = new Set(["ruleId", "resourceIds"]);

/**
 * The tool schema the model is sent: the validation schema's structure, types, enums, required fields and
 * minimum counts, without the length and count bounds (the answer is still validated against them, and repaired
 * once if it breaks one) or descriptions the system prompt already gives. A third smaller, on every call.
 */
export function leanToolSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const lean = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => lean(v));
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (VALIDATION_ONLY.has(k)) continue;
      if (k === "description" && key && STATED_IN_PROMPT.has(key)) continue;
      out[k] =
        k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, lean(s, p)])) : lean(v);
    }
    return out;
  };
  return lean(schema) as Record<string, unknown>;
}

/**
 * Data is made inert before it goes inside the delimiters: `<` becomes `‹`, so nothing in a template can
 * close the data block or open a fake instruction block.
 */
export function inertText(text: string): string {
  return text.replace(/</g, "‹");
}

/** JSON that cannot contain a tag either (`<` is escaped the JSON way, so parsers still read it). */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** Fills `{{name}}` placeholders; an unknown placeholder is a bug in the template and throws. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`Prompt placeholder {{${name}}} has no value`);
    return value;
  });
}
