import { TOKEN_SCOPES, type Role, type TokenScope } from "@threatline/domain";

/** What an API token may do. A browser session has every scope; the team role still applies on top. */
export const SCOPES = TOKEN_SCOPES;
export type Scope = TokenScope;

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The scope a request needs, from its method and path under /api/v1. Reads need `read`; writes are listed
 * explicitly and any write not listed needs `admin`, so a route added later is closed to narrow tokens
 * until someone decides otherwise.
 */
export function requiredScope(method: string, path: string): Scope {
  const m = method.toUpperCase();
  if (SAFE.has(m)) {
    return /^\/(audit|users)(\/|$)/.test(path) ? "admin" : "read";
  }
  if (
    m === "POST" &&
    /^\/(projects\/[^/]+\/(submissions|imports)|analyses\/[^/]+\/retry|batches\/[^/]+\/cancel|projects)\/?$/.test(path)
  )
    return "submit";
  if ((m === "PUT" || m === "POST") && /^\/projects\/[^/]+\/triage(\/[^/]+)?\/?$/.test(path)) return "triage";
  // Shaping the threat model (threats by hand, edits, mitigations, assumptions) is triage work.
  if (/^\/projects\/[^/]+\/(threats|mitigations|assumptions)(\/[^/]+)?\/?$/.test(path)) return "triage";
  if (m === "POST" && /^\/auth\/logout\/?$/.test(path)) return "read";
  return "admin";
}

/** The highest team role a token's scopes allow; the user's own role caps it further. */
export function roleCap(scopes: readonly string[]): Role {
  if (scopes.includes("admin")) return "admin";
  if (scopes.includes("submit") || scopes.includes("triage")) return "editor";
  return "viewer";
}
