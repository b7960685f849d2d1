import type { FormatHandler } from "./types.ts";

/**
 * Every format the engine understands, in detection order (first match wins). Each format's module adds
 * its handler here.
 */
export const FORMAT_HANDLERS: FormatHandler[] = [];
