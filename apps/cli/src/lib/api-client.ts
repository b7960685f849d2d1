import { ApiError, type ErrorCode, type ErrorEnvelope } from "@threatline/domain";
import { UsageError } from "./files.ts";

/** What to do about an API error code, said to the person at the terminal (keys checked against the domain's codes). */
const HINTS: Partial<Record<ErrorCode, string>> = {
  "auth/unauthenticated": "Pass a token with --token or THREATLINE_TOKEN.",
  "auth/forbidden": "The token's user lacks the role this needs on the project's team.",
  "auth/invalid-credentials": "Check the token: it may be mistyped, revoked or expired.",
  "auth/rate-limited": "Too many requests: wait a little and try again.",
  "auth/locked": "The account is locked for a while after failed logins.",
  "project/not-found": "Check the project id, and that your token can see its team.",
  "project/name-taken": "Another project has this name in the team.",
  "batch/not-found": "Check the batch id, and that your token can see its project.",
  "analysis/not-found": "Check the analysis id, and that your token can see its project.",
  "request/too-large": "Submit fewer or smaller files at a time.",
  "request/too-many-files": "Submit fewer files at a time (split the folder).",
  "template/too-large": "One file is over the server's size limit for a single template.",
  "template/not-text": "Binary or non-UTF-8 files cannot be analysed; leave them out.",
  "template/too-deep": "The file nests deeper than the parsers accept; flatten it.",
  "template/line-too-long": "A very long line hides what the file is; reformat it with line breaks.",
  "archive/encrypted": "Zip the templates without a password.",
  "request/invalid": "The server refused the request as malformed.",
  "request/not-found": "This server has no such endpoint: is --server a Threatline API, and is it up to date?",
  "export/unsupported-format": "Pick another --format.",
  "import/invalid": "The document is neither a prototype JSON download nor a Threat Composer export.",
  "queue/unavailable": "The server's job queue is down; nothing was submitted. Try again shortly.",
  "database/unavailable": "The server's database is unreachable. Try again shortly.",
  "internal/error": "The server failed; its logs have the details.",
};

/**
 * An error as the person at the terminal reads it: an API error's message with its code and what to do
 * about it (a newer server may answer with a code this CLI does not know: no hint then); any other error's message.
 */
export function explainError(error: unknown): string {
  if (error instanceof ApiError) {
    const hint = HINTS[error.code as ErrorCode];
    return `${error.message} [${error.code}]${hint ? `\n  ${hint}` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export { ApiError };

/** A request body sent as text with its own media type (STRIDE GPT Markdown), not as JSON. */
export class TextBody {
  constructor(
    readonly text: string,
    readonly contentType: string,
  ) {}
}

export interface ApiClientOptions {
  server: string | undefined;
  token: string | undefined;
}

/** A download from the API: bytes plus what the server said they are. */
export interface Download {
  body: Uint8Array;
  contentType: string;
  filename: string | null;
}

/** A thin client of the Threatline HTTP API (`/api/v1`), sending the token as a Bearer credential. */
export class ApiClient {
  readonly base: string;
  private readonly token: string | undefined;

  constructor(options: ApiClientOptions) {
    if (!options.server) throw new UsageError("Name the Threatline server with --server URL (or THREATLINE_SERVER).");
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new UsageError(`--server must be an http(s) URL, not '${options.server}'.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new UsageError(`--server must be an http(s) URL, not '${options.server}'.`);
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, "")}/api/v1`;
    this.token = options.token || undefined;
  }

  /** Sends a request; a `TextBody` goes as it is, anything else as JSON. */
  private async send(
    method: string,
    path: string,
    body?: unknown,
    options: { accept?: string; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: options.accept ?? "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = body instanceof TextBody ? body.contentType : "application/json";
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : body instanceof TextBody ? body.text : JSON.stringify(body),
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`Cannot reach ${this.base}: ${cause?.code ?? cause?.message ?? String(error)}.`);
    }
    if (!res.ok) throw await this.errorOf(res);
    return res;
  }

  private async errorOf(res: Response): Promise<ApiError> {
    const text = await res.text().catch(() => "");
    try {
      const envelope = JSON.parse(text) as Partial<ErrorEnvelope>;
      if (envelope.error?.code)
        return new ApiError(envelope.error.code, envelope.error.message ?? "", res.status, envelope.error.details);
    } catch {
      // Not our envelope: a proxy's page, or not a Threatline server at all.
    }
    return new ApiError(
      `http/${res.status}`,
      `The server answered ${res.status} ${res.statusText} without a Threatline error`,
      res.status,
    );
  }

  /** Calls an endpoint and parses its JSON answer. */
  async json<T>(method: "GET" | "POST" | "PUT", path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.send(method, path, body, { signal });
    return (await res.json()) as T;
  }

  /**
   * Opens a Server-Sent Events stream; the caller reads `body` and aborts `signal` to close it. Refusals come
   * back as ApiError like any other call.
   */
  async stream(path: string, signal: AbortSignal): Promise<Response> {
    return this.send("GET", path, undefined, { accept: "text/event-stream", signal });
  }

  /** Fetches a file the API serves as an attachment. */
  async download(path: string): Promise<Download> {
    const res = await this.send("GET", path);
    const disposition = res.headers.get("content-disposition") ?? "";
    return {
      body: new Uint8Array(await res.arrayBuffer()),
      contentType: res.headers.get("content-type") ?? "application/octet-stream",
      filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? null,
    };
  }
}

/** Options every command that talks to a server takes. */
export interface ServerOptions {
  server?: string;
  token?: string;
}

export function clientFrom(options: ServerOptions): ApiClient {
  return new ApiClient({
    server: options.server ?? process.env.THREATLINE_SERVER,
    token: options.token ?? process.env.THREATLINE_TOKEN,
  });
}
