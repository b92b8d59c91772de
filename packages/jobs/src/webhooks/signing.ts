import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export interface SigningSecrets {
  secret: string;
  previousSecret: string | null;
  /** The previous secret signs too until this moment (the rotation overlap). */
  previousUntil: Date | null;
}

/** The secrets that sign right now: the current one, and the previous one during its overlap. */
export function activeSecrets(s: SigningSecrets, now = new Date()): string[] {
  const overlap = s.previousSecret && s.previousUntil && s.previousUntil.getTime() > now.getTime();
  return overlap ? [s.secret, s.previousSecret!] : [s.secret];
}

/**
 * The three Standard Webhooks headers for one body. During an overlap `webhook-signature` carries
 * one signature per active secret, space-separated, so receivers on either secret verify.
 */
export function signedHeaders(
  secrets: readonly string[],
  messageId: string,
  body: string,
  at = new Date(),
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(" "),
  };
}
