import { ApiError, type ErrorEnvelope } from "@threatline/domain";

/** An API failure with its stable code (one class for the SPA and the CLI). */
export { ApiError };

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  /** JSON body. */
  json?: unknown;
  /** Multipart body; wins over `json`. */
  form?: FormData;
  /** A text body with its media type (STRIDE GPT Markdown imports); wins over `json`. */
  text?: { body: string; type: string };
  signal?: AbortSignal;
}

/** The one door to the server. Auth (cookies, CSRF header) is added here and nowhere else. */
export type Http = <T>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  options?: RequestOptions,
) => Promise<T>;

export const API_BASE = "/api/v1";

/** `path` under the API base with the defined query parameters, in a stable order. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ""}`;
}

/** The session's CSRF token, sent on every unsafe request; set by the session store after sign-in. */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Everything started for the signed-in user (requests, live streams) listens to this signal; it is aborted when
 * the session ends, so no late answer of the previous user can land in the next user's stores.
 */
let sessionRequests = new AbortController();
export function sessionSignal(): AbortSignal {
  return sessionRequests.signal;
}
/** Aborts every request and stream of the session that ends; what starts afterwards belongs to the next one. */
export function endSessionRequests(): void {
  sessionRequests.abort(new DOMException("The session ended.", "AbortError"));
  sessionRequests = new AbortController();
}

/** True for the rejection of an aborted request (by its own signal or because the session ended). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** Called when the server says the session is gone, so the app can send the user to sign in. */
let onUnauthenticated: (() => void) | undefined;
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

/**
 * The browser's fetch, wrapped: JSON in and out, the session cookie and CSRF header attached, error
 * envelopes turned into ApiError.
 */
export function createFetchHttp(fetchImpl: typeof fetch = (...args) => fetch(...args)): Http {
  return async <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (csrfToken && method !== "GET") headers["x-csrf-token"] = csrfToken;
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.text) {
      headers["content-type"] = options.text.type;
      body = options.text.body;
    } else if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const session = sessionSignal();
    let res: Response;
    try {
      res = await fetchImpl(apiUrl(path, options.query), {
        method,
        headers,
        body,
        credentials: "same-origin",
        signal: options.signal ? AbortSignal.any([options.signal, session]) : session,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError("network/offline", "The server cannot be reached.", 0);
    }
    const text = await res.text();
    // An answer that arrived as the session ended belongs to the previous user.
    session.throwIfAborted();
    const data: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const envelope = data as Partial<ErrorEnvelope> | undefined;
      const err = envelope?.error;
      if (err?.code === "auth/unauthenticated" && !path.startsWith("/auth/")) onUnauthenticated?.();
      throw new ApiError(err?.code ?? "internal/error", err?.message ?? `HTTP ${res.status}`, res.status, err?.details);
    }
    return data as T;
  };
}
