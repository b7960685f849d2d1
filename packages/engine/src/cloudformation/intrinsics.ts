import { UNRESOLVED } from "../graph/types.ts";
import { isRecord } from "../aws/values.ts";

/** Marks a property that `Ref: AWS::NoValue` removes. */
export const NO_VALUE = Symbol("AWS::NoValue");

export interface Parameter {
  default?: unknown;
  noEcho: boolean;
  type: string | undefined;
}

/** The one key of an intrinsic function object (`Ref`, `Fn::Sub` …), or undefined. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === "Ref" || key.startsWith("Fn::") ? key : undefined;
}

const MAX_RESOLVE_DEPTH = 200;

/**
 * Resolves intrinsic functions where the template makes them literal: parameters with defaults, mappings,
 * conditions and `Fn::Sub`/`Fn::Join`/`Fn::Select`/`Fn::Split`/`Fn::If`/`Fn::FindInMap` over literals.
 * What cannot be resolved stays written as the intrinsic (with its arguments resolved where possible).
 * `Fn::Base64` resolves to its argument, so scripts stay readable.
 */
export class Resolver {
  private readonly conditionCache = new Map<string, boolean | undefined>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly parameters: ReadonlyMap<string, Parameter>,
    private readonly mappings: Record<string, unknown>,
    private readonly conditions: Record<string, unknown>,
  ) {}

  resolve(value: unknown, depth = 0): unknown {
    if (depth > MAX_RESOLVE_DEPTH) return value;
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v, depth + 1)).filter((v) => v !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const fn = intrinsicName(value);
    if (fn) return this.intrinsic(fn, value[fn], depth + 1);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = this.resolve(v, depth + 1);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown, depth: number): unknown {
    const keep = (resolvedArg: unknown): unknown => ({ [fn]: resolvedArg });
    switch (fn) {
      case "Ref":
        return this.ref(arg);
      case "Fn::Sub":
        return this.sub(arg, depth) ?? keep(this.resolve(arg, depth));
      case "Fn::Join": {
        const r = this.resolve(arg, depth);
        if (Array.isArray(r) && typeof r[0] === "string" && Array.isArray(r[1]) && r[1].every(isScalar)) {
          return r[1].map(String).join(r[0]);
        }
        return keep(r);
      }
      case "Fn::Select": {
        const r = this.resolve(arg, depth);
        if (Array.isArray(r) && Array.isArray(r[1]) && isScalar(r[0])) {
          const item: unknown = r[1][Number(r[0])];
          if (item !== undefined) return item;
        }
        return keep(r);
      }
      case "Fn::Split": {
        const r = this.resolve(arg, depth);
        if (Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "string") return r[1].split(r[0]);
        return keep(r);
      }
      case "Fn::If": {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string")
          return keep(this.resolve(arg, depth));
        const holds = this.condition(arg[0]);
        if (holds === undefined) return keep(this.resolve(arg, depth));
        return this.resolve(holds ? arg[1] : arg[2], depth);
      }
      case "Fn::FindInMap": {
        const r = this.resolve(arg, depth);
        if (Array.isArray(r) && r.slice(0, 3).every((k) => typeof k === "string")) {
          const found = lookup(this.mappings, r[0] as string, r[1] as string, r[2] as string);
          if (found !== undefined) return this.resolve(found, depth);
          const fallback = isRecord(r[3]) ? r[3].DefaultValue : undefined;
          if (fallback !== undefined) return fallback;
        }
        return keep(r);
      }
      case "Fn::Base64": {
        const r = this.resolve(arg, depth);
        return typeof r === "string" ? r : keep(r);
      }
      default:
        return keep(this.resolve(arg, depth));
    }
  }

  private ref(name: unknown): unknown {
    if (typeof name !== "string") return { Ref: name };
    if (name === "AWS::NoValue") return NO_VALUE;
    const param = this.parameters.get(name);
    if (param && param.default !== undefined) {
      if (typeof param.default === "string" && /^(CommaDelimitedList|List<)/.test(param.type ?? "")) {
        return param.default.split(",").map((s) => s.trim());
      }
      return param.default;
    }
    return { Ref: name };
  }

  /** The literal string of a `Fn::Sub`, or undefined when a variable is not literal. */
  private sub(arg: unknown, depth: number): string | undefined {
    let template: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      template = arg[0];
      const rv = this.resolve(arg[1], depth);
      vars = isRecord(rv) ? rv : {};
    }
    if (typeof template !== "string") return undefined;
    let ok = true;
    const text = template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith("!")) return `\${${name.slice(1)}}`;
      const key = name.trim();
      const value = key in vars ? vars[key] : this.parameters.get(key)?.default;
      if (isScalar(value)) return String(value);
      ok = false;
      return whole;
    });
    return ok ? text : undefined;
  }

  /** Evaluates a named condition; undefined when it depends on something not literal. */
  condition(name: string): boolean | undefined {
    if (this.conditionCache.has(name)) return this.conditionCache.get(name);
    if (this.evaluating.has(name)) return undefined;
    this.evaluating.add(name);
    const result = this.evaluate(this.conditions[name], 0);
    this.evaluating.delete(name);
    this.conditionCache.set(name, result);
    return result;
  }

  private evaluate(expr: unknown, depth: number): boolean | undefined {
    if (depth > 50) return undefined;
    if (typeof expr === "boolean") return expr;
    if (!isRecord(expr)) return undefined;
    const [key, arg] = Object.entries(expr)[0] ?? [];
    if (key === "Condition" && typeof arg === "string") return this.condition(arg);
    if (!Array.isArray(arg) || key === undefined) return undefined;
    switch (key) {
      case "Fn::Equals": {
        const [a, b] = arg.map((v) => this.resolve(v, depth + 1));
        return isScalar(a) && isScalar(b) ? String(a) === String(b) : undefined;
      }
      case "Fn::Not": {
        const inner = this.evaluate(arg[0], depth + 1);
        return inner === undefined ? undefined : !inner;
      }
      case "Fn::And": {
        const all = arg.map((c) => this.evaluate(c, depth + 1));
        if (all.includes(false)) return false;
        return all.includes(undefined) ? undefined : true;
      }
      case "Fn::Or": {
        const all = arg.map((c) => this.evaluate(c, depth + 1));
        if (all.includes(true)) return true;
        return all.includes(undefined) ? undefined : false;
      }
      default:
        return undefined;
    }
  }
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function lookup(mappings: Record<string, unknown>, map: string, top: string, second: string): unknown {
  const m = mappings[map];
  if (!isRecord(m)) return undefined;
  const t = m[top];
  return isRecord(t) ? t[second] : undefined;
}

/** The normalizer's view: every intrinsic still written is `UNRESOLVED`. */
export function toBody(value: unknown, depth = 0): unknown {
  if (depth > MAX_RESOLVE_DEPTH) return UNRESOLVED;
  if (Array.isArray(value)) return value.map((v) => toBody(v, depth + 1));
  if (!isRecord(value)) return value;
  if (intrinsicName(value)) return UNRESOLVED;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toBody(v, depth + 1);
  return out;
}
