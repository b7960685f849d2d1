export const engineDir: string;
export const lockPath: string;
export const DOMAIN_SOURCES: string[];
export function digestSources(): string[];
export function rulesDigest(): string;
