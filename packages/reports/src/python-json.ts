/**
 * JSON written exactly as Python's `json.dumps(value, indent=N)` writes it with its defaults
 * (`ensure_ascii=True`, separators `","` and `": "`): the prototype's downloads were made that way, and
 * tools that diff or hash them need the same bytes.
 */

type PyJson = string | number | boolean | null | PyJson[] | { [key: string]: PyJson };

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** A string literal with Python's ASCII escaping: everything outside space..`~` becomes `\uXXXX`. */
export function pythonJsonString(value: string): string {
  let out = '"';
  // Indexing by UTF-16 code unit writes astral characters as surrogate pairs, as Python does.
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] as string;
    const code = value.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code > 0x7e) out += hex4(code);
    else out += ch;
  }
  return `${out}"`;
}

function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError("JSON cannot hold NaN or Infinity");
  return String(value);
}

/** Serializes a JSON value the way `json.dumps(value, indent=indent)` does. */
export function pythonJsonDumps(value: PyJson, indent = 4): string {
  const pad = " ".repeat(indent);
  const write = (v: PyJson, level: number): string => {
    if (v === null) return "null";
    if (typeof v === "string") return pythonJsonString(v);
    if (typeof v === "number") return pythonNumber(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    const inner = pad.repeat(level + 1);
    const outer = pad.repeat(level);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[\n${v.map((item) => inner + write(item, level + 1)).join(",\n")}\n${outer}]`;
    }
    const entries = Object.entries(v);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, item]) => `${inner}${pythonJsonString(k)}: ${write(item, level + 1)}`).join(",\n")}\n${outer}}`;
  };
  return write(value, 0);
}

export type { PyJson };
