import { isUnresolved } from "../graph/types.ts";
import { type Scope, evaluate } from "./evaluate.ts";

/**
 * The literal value of a small Terraform expression — the toggles that decide `count` (`local.enabled ? 1 : 0`,
 * `var.create && !var.external`, `length(var.subnets) > 0 ? 1 : 0`) — where every variable and local it reads
 * is literal. Locals written as expressions (`enabled = var.create && local.on`) are evaluated the same way.
 * Undefined when the value cannot be known.
 */
export function literalValue(expr: string, scope: Scope, depth = 0): unknown {
  if (depth > 16) return undefined;
  const tokens = tokenize(expr);
  if (!tokens) return undefined;
  const parser = new Parser(tokens, scope, depth);
  const value = parser.ternary();
  return parser.done() && value !== UNKNOWN ? value : undefined;
}

const UNKNOWN = Symbol("unknown");
type Value = unknown;

function tokenize(text: string): string[] | undefined {
  const out: string[] = [];
  const re =
    /\s*(?:(\d+(?:\.\d+)?)|("(?:[^"\\$]|\\.)*")|((?:var|local)\.[A-Za-z_][\w-]*)|(&&|\|\||==|!=|>=|<=|[!?:()<>])|(true|false|null)\b|(length)(?=\s*\())\s*/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m || m[0] === "") return text.slice(at).trim() === "" ? out : undefined;
    out.push((m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6])!);
    at = re.lastIndex;
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: string[],
    private readonly scope: Scope,
    private readonly depth: number,
  ) {}

  done(): boolean {
    return this.pos === this.tokens.length;
  }

  private eat(token: string): boolean {
    if (this.tokens[this.pos] !== token) return false;
    this.pos += 1;
    return true;
  }

  ternary(): Value {
    const cond = this.or();
    if (!this.eat("?")) return cond;
    const yes = this.ternary();
    if (!this.eat(":")) return UNKNOWN;
    const no = this.ternary();
    return typeof cond === "boolean" ? (cond ? yes : no) : UNKNOWN;
  }

  private or(): Value {
    let left = this.and();
    while (this.eat("||")) {
      const right = this.and();
      left = left === true || right === true ? true : left === false && right === false ? false : UNKNOWN;
    }
    return left;
  }

  private and(): Value {
    let left = this.compare();
    while (this.eat("&&")) {
      const right = this.compare();
      left = left === false || right === false ? false : left === true && right === true ? true : UNKNOWN;
    }
    return left;
  }

  private compare(): Value {
    const left = this.unary();
    const op = this.tokens[this.pos];
    if (!op || !["==", "!=", ">", "<", ">=", "<="].includes(op)) return left;
    this.pos += 1;
    const right = this.unary();
    if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
    if (op === "==") return left === right;
    if (op === "!=") return left !== right;
    if (typeof left !== "number" || typeof right !== "number") return UNKNOWN;
    return op === ">" ? left > right : op === "<" ? left < right : op === ">=" ? left >= right : left <= right;
  }

  private unary(): Value {
    if (this.eat("!")) {
      const v = this.unary();
      return typeof v === "boolean" ? !v : UNKNOWN;
    }
    return this.primary();
  }

  private primary(): Value {
    const t = this.tokens[this.pos++];
    if (t === undefined) return UNKNOWN;
    if (t === "(") {
      const v = this.ternary();
      return this.eat(")") ? v : UNKNOWN;
    }
    if (t === "length") {
      if (!this.eat("(")) return UNKNOWN;
      const v = this.ternary();
      if (!this.eat(")")) return UNKNOWN;
      if (Array.isArray(v) || typeof v === "string") return v.length;
      return v !== null && typeof v === "object" ? Object.keys(v).length : UNKNOWN;
    }
    if (/^\d/.test(t)) return Number(t);
    if (t === "true" || t === "false") return t === "true";
    if (t === "null") return null;
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (t.startsWith("local.")) return this.local(t.slice(6));
    if (t.startsWith("var.")) return known(evaluate(t, this.scope, this.depth + 1).body);
    return UNKNOWN;
  }

  /** A local written as an expression (`"${var.create && local.on}"`) is evaluated here; others as values. */
  private local(name: string): Value {
    const raw = this.scope.locals[name];
    const whole = typeof raw === "string" ? /^\$\{([\s\S]*)\}$/.exec(raw.trim()) : null;
    if (whole && !whole[1]!.includes("${")) {
      const v = literalValue(whole[1]!, this.scope, this.depth + 1);
      return v === undefined ? UNKNOWN : v;
    }
    return known(evaluate(`local.${name}`, this.scope, this.depth + 1).body);
  }
}

function known(value: unknown): Value {
  return value === undefined || isUnresolved(value) ? UNKNOWN : value;
}

/** Whether a `count` is known to be 0: a literal, or an expression `literalValue` can evaluate. */
export function countIsZero(count: unknown, scope: Scope): boolean {
  if (count === 0 || count === "0") return true;
  if (typeof count !== "string") return false;
  const whole = /^\$\{([\s\S]*)\}$/.exec(count.trim());
  if (!whole) return false;
  const value = literalValue(whole[1]!, scope);
  return value === 0;
}
