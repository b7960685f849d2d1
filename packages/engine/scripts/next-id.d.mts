export function nextId(prefix: string, texts: readonly string[]): string;
export function awsRuleFile(id: string): string | undefined;
