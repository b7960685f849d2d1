import { isRecord, list } from "../aws/values.ts";
import { isUnresolved } from "../graph/types.ts";

const MAX_DEPTH = 32;

/** How many blocks a `for_each` makes: its length when literal, one when it cannot be known. */
function instances(forEach: unknown): number {
  if (forEach === null || forEach === undefined) return 0;
  if (Array.isArray(forEach)) return forEach.length;
  if (isRecord(forEach)) return Object.keys(forEach).length;
  return isUnresolved(forEach) || typeof forEach === "string" ? 1 : 0;
}

/**
 * Turns `dynamic "x" { for_each = …; content { … } }` into the `x` blocks Terraform would generate, in a body
 * normalizers read: as many copies of `content` as a literal `for_each` has items, one copy when `for_each`
 * cannot be evaluated (a module's `var.x != null ? [var.x] : []`). Values taken from the iterator stay
 * unresolved, so a rule sees "this block may be there, with values it cannot know", never "absent".
 */
export function expandDynamic(body: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > MAX_DEPTH) return body;
  // Objects without a dynamic block anywhere below are returned as they are: parsers hang non-enumerable
  // metadata on some of them (a policy statement's source block), which a copy would lose.
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "dynamic") {
      changed = true;
      continue;
    }
    let next: unknown = value;
    if (Array.isArray(value)) {
      const items = (value as unknown[]).map((item) => (isRecord(item) ? expandDynamic(item, depth + 1) : item));
      if (items.some((item, i) => item !== value[i])) next = items;
    } else if (isRecord(value)) {
      next = expandDynamic(value, depth + 1);
    }
    if (next !== value) changed = true;
    out[key] = next;
  }
  if (!changed) return body;
  const dynamic = body.dynamic;
  if (!isRecord(dynamic)) return out;
  for (const [name, specs] of Object.entries(dynamic)) {
    for (const spec of list(specs)) {
      if (!isRecord(spec)) continue;
      const content = list(spec.content).find(isRecord);
      const count = instances(spec.for_each);
      if (!content || count === 0) continue;
      const block = expandDynamic(content, depth + 1);
      const existing = out[name] === undefined ? [] : list(out[name]);
      out[name] = [...existing, ...Array.from({ length: Math.min(count, 100) }, () => block)];
    }
  }
  return out;
}
