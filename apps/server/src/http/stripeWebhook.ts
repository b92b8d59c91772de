import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, type Logger } from "@atelier/shared";
import type { Database } from "@atelier/db";
import { applyStripeEvent, type StripeEventLike } from "../billing/applyStripeEvent.ts";
import { webhookVerifier } from "../billing/stripeClient.ts";
import { sendError } from "./sendError.ts";

/** Stripe's own default: a signature more than five minutes old is a replay, not a delivery. */
export const WEBHOOK_TOLERANCE_SEC = 300;
const MAX_WEBHOOK_BYTES = 512 * 1024;

export interface StripeWebhookOptions {
  db: Database;
  /** STRIPE_WEBHOOK_SECRET; without one every delivery is refused. */
  secret: string | undefined;
  log: Logger;
  /** Told which organizations' balances changed, after the commit. */
  onBalanceChanged(orgIds: string[]): void;
}

/**
 * POST /webhooks/stripe: the signature is checked on the raw bytes (parsing first would change them),
 * then the event is applied once (see applyStripeEvent). Every answer says what happened: applied,
 * duplicate, stale, ignored, or why the signature was refused.
 */
export function stripeWebhookHandler(options: StripeWebhookOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      return sendError(
        res,
        new AppError("NOT_FOUND", "Stripe posts its webhooks; nothing else answers here."),
      );
    }
    if (!options.secret) {
      return sendError(
        res,
        new AppError(
          "CONFIG_ERROR",
          "This installation has no STRIPE_WEBHOOK_SECRET; it accepts no Stripe events.",
        ),
      );
    }
    const raw = await readRaw(req);
    const header = req.headers["stripe-signature"];
    let event: StripeEventLike;
    try {
      if (typeof header !== "string") throw new Error("No Stripe-Signature header.");
      event = webhookVerifier.constructEvent(
        raw,
        header,
        options.secret,
        WEBHOOK_TOLERANCE_SEC,
      ) as StripeEventLike;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const stale = /tolerance/i.test(message);
      options.log.warn({ stale }, "stripe webhook refused");
      return sendError(
        res,
        new AppError(
          "BAD_SIGNATURE",
          stale
            ? `The event's signature is older than ${WEBHOOK_TOLERANCE_SEC} s: a replay, so nothing was applied.`
            : "The Stripe-Signature header does not match this body and the webhook secret; nothing was applied.",
          { reason: stale ? "stale" : "forged" },
        ),
      );
    }
    const result = await applyStripeEvent(options.db, event);
    if (result.orgIds.length > 0) options.onBalanceChanged(result.orgIds);
    options.log.info({ eventId: event.id, type: event.type, outcome: result.outcome }, "stripe event");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ received: true, eventId: event.id, outcome: result.outcome, message: result.message }),
    );
  };
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BYTES) {
      throw new AppError("REQUEST_TOO_LARGE", `A webhook body may be at most ${MAX_WEBHOOK_BYTES} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
