import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Request and job ids go in every line; template content never does (the
 * serializers below keep request bodies out).
 */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'], remove: true },
  });
}
