import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/**
 * A local server speaking the part of Stripe's HTTP API Atelier uses (Checkout Sessions, portal
 * sessions; form-encoded requests, JSON answers), for the real `stripe` SDK pointed at it with its
 * host/port/protocol options. It also serves a Checkout stand-in page whose "Pay" button posts a
 * signed `checkout.session.completed` to the webhook URL, as Stripe would, then redirects to the
 * session's success URL.
 */
export interface FakeStripe {
  /** `http://127.0.0.1:<port>`: STRIPE_API_BASE. */
  url: string;
  webhookSecret: string;
  /** Where "Pay" delivers its event; set once the Atelier server's URL is known. */
  webhookUrl: string | null;
  sessions: Map<string, CheckoutSession>;
  /** A checkout.session.completed for a session, as Stripe would send it after payment. */
  completedEvent(sessionId: string): StripeEvent;
  /** The body and `Stripe-Signature` header of an event, signed with the SDK's own test helper. */
  sign(
    event: StripeEvent,
    options?: { timestamp?: number; secret?: string },
  ): { body: string; header: string };
  /** Posts an event to the webhook; the answer's status and JSON. */
  deliver(
    event: StripeEvent,
    options?: { timestamp?: number; secret?: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface CheckoutSession {
  id: string;
  object: "checkout.session";
  mode: string;
  metadata: Record<string, string>;
  customer: string;
  subscription: string | null;
  success_url: string;
  cancel_url: string;
  payment_status: "unpaid" | "paid";
  status: "open" | "complete";
  url: string;
  amount_total: number;
}

export interface StripeEvent {
  id: string;
  object: "event";
  type: string;
  created: number;
  api_version: string;
  data: { object: unknown };
}

const verifier = new Stripe("sk_test_fake").webhooks;
const rid = (prefix: string) => `${prefix}_test_${randomBytes(10).toString("hex")}`;

export function stripeEvent(
  type: string,
  object: unknown,
  created = Math.floor(Date.now() / 1000),
): StripeEvent {
  return { id: rid("evt"), object: "event", type, created, api_version: "2025-01-27", data: { object } };
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const sessions = new Map<string, CheckoutSession>();
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "api_error", message: String(err) } }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeStripe = {
    url,
    webhookSecret: `whsec_${randomBytes(16).toString("hex")}`,
    webhookUrl: null,
    sessions,
    completedEvent: (sessionId) => {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`No session ${sessionId}.`);
      return stripeEvent("checkout.session.completed", {
        ...session,
        payment_status: "paid",
        status: "complete",
      });
    },
    sign: (event, options = {}) => {
      const body = JSON.stringify(event);
      const header = verifier.generateTestHeaderString({
        payload: body,
        secret: options.secret ?? fake.webhookSecret,
        timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
      });
      return { body, header };
    },
    deliver: async (event, options) => {
      if (!fake.webhookUrl) throw new Error("Set webhookUrl first.");
      const { body, header } = fake.sign(event, options);
      const res = await fetch(fake.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": header },
        body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", url).pathname;
    if (req.method === "POST" && path === "/v1/checkout/sessions") {
      const params = nested(await readForm(req));
      const id = rid("cs");
      const lineItems =
        (params.line_items as Array<Record<string, Record<string, string>>> | undefined) ?? [];
      const session: CheckoutSession = {
        id,
        object: "checkout.session",
        mode: String(params.mode ?? "payment"),
        metadata: (params.metadata as Record<string, string>) ?? {},
        customer: String(params.customer ?? rid("cus")),
        subscription: params.mode === "subscription" ? rid("sub") : null,
        success_url: String(params.success_url ?? ""),
        cancel_url: String(params.cancel_url ?? ""),
        payment_status: "unpaid",
        status: "open",
        url: `${url}/checkout/${id}`,
        amount_total: Number(lineItems[0]?.price_data?.unit_amount ?? 0),
      };
      sessions.set(id, session);
      return json(res, 200, session);
    }
    if (req.method === "POST" && path === "/v1/billing_portal/sessions") {
      const params = nested(await readForm(req));
      return json(res, 200, {
        id: rid("bps"),
        object: "billing_portal.session",
        customer: params.customer,
        return_url: params.return_url,
        url: `${url}/portal/${String(params.customer)}`,
      });
    }
    const page = path.match(/^\/checkout\/(cs_test_[0-9a-f]+)(\/pay)?$/);
    const session = page ? sessions.get(page[1]!) : undefined;
    if (page && session && req.method === "GET" && !page[2]) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><title>Checkout stand-in</title></head><body>
        <h1>Pay ${(session.amount_total / 100).toFixed(2)} USD</h1>
        <p>A local stand-in for Stripe Checkout (tests only).</p>
        <form method="post" action="/checkout/${session.id}/pay"><button type="submit">Pay</button></form>
        <a href="${escapeHtml(session.cancel_url)}">Cancel</a></body></html>`);
      return;
    }
    if (page && session && req.method === "POST" && page[2]) {
      session.payment_status = "paid";
      session.status = "complete";
      await fake.deliver(fake.completedEvent(session.id));
      res.writeHead(303, { location: session.success_url });
      res.end();
      return;
    }
    json(res, 404, {
      error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${path}).` },
    });
  }

  return fake;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": rid("req") });
  res.end(JSON.stringify(body));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Stripe's form encoding (`a[b][0][c]=v`) back into objects and arrays. */
function nested(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const parts = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const container = node as Record<string, unknown>;
      if (last) {
        container[part] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(parts[i + 1]!);
      container[part] ??= nextIsIndex ? [] : {};
      node = container[part] as Record<string, unknown>;
    });
  }
  return root;
}
