import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { AppError } from "@atelier/shared";
import { type AddressPolicy, checkLiteralTarget, guardedLookup } from "./addressPolicy.ts";

export interface SendResult {
  ok: boolean;
  /** The response's status; null when none came (refused address, timeout, connection error). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one webhook body. Never follows a redirect (a 3xx is a failed attempt: it could point
 * anywhere, inside included), connects only to addresses the policy allows, and gives up after
 * `timeoutMs`. The response body is drained, not kept.
 */
export function postWebhook(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: AddressPolicy;
}): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: Omit<SendResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    let url: URL;
    try {
      url = new URL(options.url);
      checkLiteralTarget(url, options.policy);
    } catch (err) {
      resolve({ ok: false, statusCode: null, error: messageOf(err), durationMs: elapsed() });
      return;
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, {
      method: "POST",
      headers: {
        ...options.headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(options.body)),
        "user-agent": "Atelier-Webhooks/1",
      },
      lookup: guardedLookup(options.policy),
      // A fresh connection per delivery: a pooled socket would skip the address check.
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, statusCode: null, error: `No answer within ${options.timeoutMs} ms.` });
    }, options.timeoutMs);
    req.on("response", (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const error = ok
        ? null
        : status >= 300 && status < 400
          ? `Answered ${status}; redirects are not followed.`
          : `Answered ${status}.`;
      res.on("end", () => done({ ok, statusCode: status, error }));
      res.on("error", () => done({ ok, statusCode: status, error }));
    });
    req.on("error", (err) => done({ ok: false, statusCode: null, error: messageOf(err) }));
    req.end(options.body);
  });
}

function messageOf(err: unknown): string {
  if (err instanceof AppError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
