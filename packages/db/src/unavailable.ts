/** Prisma's codes for a database it cannot reach, whose connection closed, or whose pool had none to give. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Driver adapter error kinds that mean the same. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** PostgreSQL SQLSTATEs: shutdown, cannot connect now, too many connections, connection exceptions. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"]);
/** node-postgres and socket errors that carry no code of their own. */
const MESSAGES =
  /Connection terminated|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * Whether an error means PostgreSQL is unreachable (down, restarting, or the network to it is gone) rather than
 * that the query was wrong: the API answers 503 `database/unavailable` and workers wait instead of spending
 * attempts. Looks through Prisma's wrappers (`cause`, `meta.driverAdapterError`).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== "object") return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    kind?: unknown;
    message?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (e.name === "PrismaClientInitializationError") return true;
  if (typeof e.code === "string" && (PRISMA_CODES.has(e.code) || SQLSTATES.has(e.code))) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1);
}
