import type { Rule } from "./types.ts";

/** Every builtin rule. Each rule family's module adds its list here. */
export const RULES: Rule[] = [];
