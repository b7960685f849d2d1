import type { TemplateFormat } from "@threatline/domain";
import { UNRESOLVED, isUnresolved, type Unresolved } from "../graph/types.ts";

/**
 * A resource as a parser hands it to the AWS normalizer, before it has a kind. `body` is what normalizers
 * read: CloudFormation's `Properties` or a Terraform block's body, with every value the parser could not
 * resolve replaced by `UNRESOLVED`. `properties` is what the node shows (as written, intrinsics resolved
 * where literal).
 */
export interface RawResource {
  id: string;
  type: string;
  format: TemplateFormat;
  file: string;
  line: number | null;
  body: Record<string, unknown>;
  properties: Record<string, unknown>;
  propertyLines: Record<string, number>;
  multiplicity?: "count" | "for_each" | "conditional";
}

export type Attrs = Record<string, unknown>;
export type Maybe<T> = T | Unresolved | undefined;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnresolved(value);
}

/** `true`, `"true"` (CloudFormation writes booleans as strings often) … */
export function bool(value: unknown): Maybe<boolean> {
  if (isUnresolved(value)) return UNRESOLVED;
  if (value === true || value === false) return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "true") return true;
    if (v === "false") return false;
    return UNRESOLVED;
  }
  return undefined;
}

export function num(value: unknown): Maybe<number> {
  if (isUnresolved(value)) return UNRESOLVED;
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (typeof value === "string") return UNRESOLVED;
  return undefined;
}

/** A scalar as text for messages and comparisons; anything else is empty. */
export function scalarText(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

export function str(value: unknown): Maybe<string> {
  if (isUnresolved(value)) return UNRESOLVED;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === undefined || value === null) return undefined;
  return UNRESOLVED;
}

/** A list (CloudFormation list, Terraform list or repeated block); one value becomes a one-item list. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  return [value];
}

/** The first (usually only) instance of a Terraform nested block, or a CloudFormation map. */
export function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return isRecord(value[0]) ? value[0] : undefined;
  return isRecord(value) ? value : undefined;
}

/** Reads `a.b.c` through maps and first block instances. */
export function dig(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (isUnresolved(current)) return UNRESOLVED;
    const record = block(current);
    if (!record) return undefined;
    current = record[key];
  }
  return current;
}

/** Whether a value is set to something (possibly unresolved). */
export function present(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** Strings of a list, dropping unresolved items. */
export function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === "string");
}

/** Parses a JSON policy or definition written as a string (Terraform heredocs, plan JSON). */
export function jsonValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (!text.startsWith("{") && !text.startsWith("[")) return UNRESOLVED;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return UNRESOLVED;
  }
}

export { UNRESOLVED, isUnresolved };

/**
 * The text of a value as written, for scanning scripts (`UserData`): strings joined, CloudFormation
 * `Fn::Join` joined with its delimiter, anything else concatenated in order.
 */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map((v) => textOf(v) ?? "").join("\n");
  if (isRecord(value)) {
    const join = value["Fn::Join"];
    if (Array.isArray(join) && typeof join[0] === "string" && Array.isArray(join[1])) {
      return join[1].map((v) => textOf(v) ?? "").join(join[0]);
    }
    return Object.values(value)
      .map((v) => textOf(v) ?? "")
      .join("");
  }
  return undefined;
}

export { pushTo } from "../collections.ts";
