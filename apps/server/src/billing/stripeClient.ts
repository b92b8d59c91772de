import { AppError } from "@atelier/shared";
import Stripe from "stripe";
import type { Config } from "../env.ts";

/**
 * The Stripe SDK for this installation, or null without STRIPE_SECRET_KEY. STRIPE_API_BASE points it
 * at another host speaking Stripe's API (the tests' local stand-in) through the SDK's own
 * host/port/protocol options.
 */
export function createStripe(config: Config["stripe"]): Stripe | null {
  if (!config.secretKey) return null;
  const base = config.apiBase ? new URL(config.apiBase) : null;
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 2,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
}

/** Verifies webhook signatures with the SDK even when no secret key is set (only the signing secret is needed). */
export const webhookVerifier: Stripe["webhooks"] = new Stripe("sk_unused_for_verification").webhooks;

export function requireStripe(stripe: Stripe | null): Stripe {
  if (!stripe) {
    throw new AppError(
      "CONFIG_ERROR",
      "Payments are not set up on this installation (no STRIPE_SECRET_KEY); ask its operator for a credit grant.",
    );
  }
  return stripe;
}
