import { createHmac } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { blockedAddressReason, webhookUrlProblem } from "@threatline/queue";

/** What one HTTP try of a delivery came to: the delivery log's row. */
export interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** The signature header's value: `sha256=` and the hex HMAC-SHA256 of the exact body under the webhook's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup that refuses private, loopback and link-local answers unless they are allowed. It runs when the
 * socket connects, so a name that resolves to a public address when checked and a private one when used (DNS
 * rebinding) is still refused.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses;
      if (!allowPrivate) {
        for (const a of list) {
          const reason = blockedAddressReason(a.address);
          if (reason) {
            const blocked: NodeJS.ErrnoException = new Error(
              `${hostname} resolves to a ${reason}; webhooks may not call private addresses (WEBHOOK_ALLOW_PRIVATE)`,
            );
            blocked.code = "EWEBHOOKBLOCKED";
            return callback(blocked, []);
          }
        }
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * POSTs a JSON body to a webhook URL, signed, within a timeout, following no redirect. Never throws: the
 * outcome is what the delivery log records. A 2xx answer is a success.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptResult> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): AttemptResult => ({
    statusCode,
    durationMs: Math.round(performance.now() - started),
    error,
  });
  const problem = webhookUrlProblem(url, options.allowPrivate);
  if (problem) return done(null, `refused: ${problem}`);
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      target,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "Threatline-Webhook/1",
          ...headers,
        },
        lookup: guardedLookup(options.allowPrivate) as unknown as typeof dnsLookup,
        agent: false,
      },
      (res) => {
        // The answer's body is not needed; read (and drop) it so the socket closes cleanly.
        res.resume();
        res.on("end", () => {
          const code = res.statusCode ?? null;
          finish(done(code, code !== null && code >= 200 && code < 300 ? null : `HTTP ${code ?? "?"}`));
        });
        res.on("error", (err) => finish(done(res.statusCode ?? null, err.message)));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => finish(done(null, err.message)));
    req.end(body);
  });
}
