export { detectSecrets, detectInText, detectInNodes } from "./detect.ts";
export { redact, type RedactResult } from "./redact.ts";
export { maskSecrets, SECRET_MASK, type MaskResult, type MaskedSecret } from "./mask.ts";
export { isPlaceholder, isSecretKey } from "./patterns.ts";
export { SECRET_RULES } from "./rules.ts";
export { INJECTION_RULE, injectionPaths } from "./injection.ts";
