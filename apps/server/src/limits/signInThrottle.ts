import type { Limits } from "./createLimits.ts";

/**
 * OWASP's shape for sign-in throttling. An attempt is counted BEFORE the password is checked, so
 * a burst of parallel attempts checks at most the allowed number; a correct password gives its
 * points back.
 * - per email + client address: a few attempts, then a block: the attacker's own pair is what locks;
 * - per email from anywhere: a much softer cap, so a distributed guess at one account still stops
 *   while one attacker cannot lock its owner out;
 * - per client address across emails: password spraying.
 */
export const SIGN_IN_RULES = {
  pair: { points: 5, durationSec: 15 * 60, blockDurationSec: 15 * 60 },
  email: { points: 100, durationSec: 60 * 60, blockDurationSec: 15 * 60 },
  address: { points: 100, durationSec: 15 * 60, blockDurationSec: 15 * 60 },
};

/** Sign-ups from one client address: plenty for an office, slow for testing which emails exist. */
export const SIGN_UP_RULE = { points: 50, durationSec: 15 * 60, blockDurationSec: 15 * 60 };

export interface SignInThrottle {
  /** Counts an attempt; RATE_LIMITED (with `retryAfterSec`) when any of the three is spent. */
  attempt(email: string, address: string): Promise<void>;
  /** The password was right: the pair starts afresh and the other counters get the point back. */
  succeeded(email: string, address: string): Promise<void>;
}

export function createSignInThrottle(limits: Limits): SignInThrottle {
  const message = "Too many sign-in attempts.";
  const pair = limits.limit("signin-pair", SIGN_IN_RULES.pair, message);
  const email = limits.limit("signin-email", SIGN_IN_RULES.email, message);
  const address = limits.limit("signin-address", SIGN_IN_RULES.address, message);
  const pairKey = (e: string, a: string) => `${a}|${e}`;
  return {
    attempt: async (e, a) => {
      await pair.consume(pairKey(e, a));
      await email.consume(e);
      await address.consume(a);
    },
    succeeded: async (e, a) => {
      await Promise.all([pair.reset(pairKey(e, a)), email.reward(e), address.reward(a)]);
    },
  };
}
