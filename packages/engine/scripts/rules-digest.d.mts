export const engineDir: string;
export const lockPath: string;
export function rulesDigest(): string;
