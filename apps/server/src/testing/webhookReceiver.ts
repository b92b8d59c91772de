import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  /** The request's path, so each test can listen on its own. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1: keeps every request and answers each path from its planned
 * answers in turn (then 200), so tests can make it fail a number of times or redirect.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  /** Planned answers per path, in order; a path without any gets 200. */
  const answers = new Map<string, Array<{ status: number; location?: string }>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      });
      const answer = answers.get(req.url ?? "/")?.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.location ? { location: answer.location } : {});
      res.end(answer.status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Answers the next requests to `path` with these statuses, in order. */
    answerNext: (path: string, ...statuses: Array<number | { status: number; location?: string }>) => {
      const planned = answers.get(path) ?? [];
      for (const s of statuses) planned.push(typeof s === "number" ? { status: s } : s);
      answers.set(path, planned);
    },
    /** Requests of one event type (the payload's `type`), to one path when given. */
    ofType: (type: string, path?: string) =>
      received.filter(
        (r) =>
          (JSON.parse(r.body) as { type: string }).type === type && (path === undefined || r.path === path),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Polls until `check` gives a value (not undefined/false) or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<Exclude<T, false | null | undefined>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false)
      return value as Exclude<T, false | null | undefined>;
    if (Date.now() > until) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
