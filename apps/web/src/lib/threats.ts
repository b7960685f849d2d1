import { STRIDE_CATEGORIES, type StrideCategory } from "@threatline/domain";

/** Threats grouped by STRIDE category in STRIDE order, empty groups left out. */
export function groupByStride<T extends { category: StrideCategory }>(
  threats: readonly T[],
): Array<{ category: StrideCategory; items: T[] }> {
  return STRIDE_CATEGORIES.map((category) => ({
    category,
    items: threats.filter((t) => t.category === category),
  })).filter((g) => g.items.length > 0);
}
