export { createLimits } from "./createLimits.ts";
export type { LimitRule, Limits, RateLimit } from "./createLimits.ts";
export { createSignInThrottle, SIGN_IN_RULES, SIGN_UP_RULE } from "./signInThrottle.ts";
export type { SignInThrottle } from "./signInThrottle.ts";
