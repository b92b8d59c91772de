import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for api.replicate.com speaking the same protocol: 201 with a
 * prediction object from the create endpoints, `urls.get` polled until a terminal status,
 * `Prefer: wait` answered with a finished prediction, problem-details JSON for errors.
 */
export interface FakeReplicate {
  baseUrl: string;
  token: string;
  requests: Array<{ method: string; path: string; prefer?: string | string[]; body?: unknown }>;
  cancelled: string[];
  close(): Promise<void>;
}

export async function startFakeReplicate(opts: {
  token: string;
  output: Buffer;
  pollsUntilDone?: number;
}): Promise<FakeReplicate> {
  const predictions = new Map<string, { polls: number; input: Record<string, unknown>; status: string }>();
  const requests: FakeReplicate["requests"] = [];
  const cancelled: string[] = [];
  let base = "";
  let counter = 0;

  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body = req.method === "POST" ? await readJson(req) : undefined;
    requests.push({ method: req.method ?? "", path, prefer: req.headers.prefer, body });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (path.startsWith("/files/")) {
      res.writeHead(200, { "Content-Type": "image/png" });
      res.end(opts.output);
      return;
    }
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      send(401, {
        title: "Unauthenticated",
        detail: "You did not pass a valid authentication token",
        status: 401,
      });
      return;
    }
    const view = (id: string) => {
      const p = predictions.get(id)!;
      return {
        id,
        model: "acme/model",
        version: "hidden",
        input: p.input,
        logs: "",
        output: p.status === "succeeded" ? [`${base}/files/${id}.png`] : null,
        error: p.status === "failed" ? "CUDA out of memory" : null,
        status: p.status,
        created_at: new Date().toISOString(),
        urls: {
          get: `${base}/v1/predictions/${id}`,
          cancel: `${base}/v1/predictions/${id}/cancel`,
          web: `https://replicate.com/p/${id}`,
        },
      };
    };
    const create = path === "/v1/predictions" || /^\/v1\/models\/[\w.-]+\/[\w.-]+\/predictions$/.test(path);
    if (req.method === "POST" && create) {
      const input = ((body as { input?: Record<string, unknown> })?.input ?? {}) as Record<string, unknown>;
      if (typeof input.prompt !== "string") {
        send(422, {
          detail: "- input: prompt is required\n",
          status: 422,
          title: "Input validation failed",
          invalid_fields: [{ type: "required", field: "input", description: "prompt is required" }],
        });
        return;
      }
      const id = `p${++counter}`;
      const fail = input.prompt === "fail";
      const waited = String(req.headers.prefer ?? "").startsWith("wait") && input.prompt === "quick";
      predictions.set(id, { polls: 0, input, status: waited ? "succeeded" : "starting" });
      if (fail) predictions.get(id)!.status = "processing";
      send(201, view(id));
      return;
    }
    const get = /^\/v1\/predictions\/(\w+)$/.exec(path);
    if (req.method === "GET" && get) {
      const p = predictions.get(get[1]!);
      if (!p) return send(404, { title: "Not found", detail: "Not found.", status: 404 });
      p.polls++;
      if (p.status !== "canceled" && p.status !== "succeeded") {
        if (p.input.prompt === "fail") p.status = "failed";
        else if (p.input.prompt === "slow") p.status = "processing";
        else p.status = p.polls >= (opts.pollsUntilDone ?? 2) ? "succeeded" : "processing";
      }
      send(200, view(get[1]!));
      return;
    }
    const cancel = /^\/v1\/predictions\/(\w+)\/cancel$/.exec(path);
    if (req.method === "POST" && cancel) {
      const p = predictions.get(cancel[1]!);
      if (p) p.status = "canceled";
      cancelled.push(cancel[1]!);
      send(200, view(cancel[1]!));
      return;
    }
    send(404, { title: "Not found", detail: "Not found.", status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: base,
    token: opts.token,
    requests,
    cancelled,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString());
  } catch {
    return undefined;
  }
}
