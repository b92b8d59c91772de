import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../testing/fixtures.ts";
import { startTestApp, type TestApp } from "../testing/testApp.ts";
import { SIGN_IN_RULES, SIGN_UP_RULE } from "./signInThrottle.ts";

/** One sign-in over plain HTTP, as from `forwardedFor` when given; its status, code and Retry-After. */
async function signIn(app: TestApp, email: string, password: string, forwardedFor?: string) {
  const res = await fetch(`${app.url}/trpc/auth.signIn`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
    },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as {
    error?: { data?: { appCode?: string; details?: { retryAfterSec?: number } } };
  };
  return {
    status: res.status,
    code: body.error?.data?.appCode ?? "OK",
    retryAfterSec: body.error?.data?.details?.retryAfterSec,
    retryAfter: res.headers.get("retry-after"),
  };
}

describe.each([
  ["in memory (embedded)", {}],
  ["in Redis", { bus: "redis" as const }],
])("the sign-in throttle %s", (_name, storage) => {
  let app: TestApp;
  beforeAll(async () => {
    // One trusted proxy in front: the client is the last X-Forwarded-For entry.
    app = await startTestApp({ ...storage, env: { ATELIER_TRUST_PROXY: "1" } });
  });
  afterAll(() => app.close());

  it("checks at most the allowed number of passwords in a burst of 200 from one address", async () => {
    const user = await signUp(app.client(), "Burst");
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => signIn(app, user.email, `wrong guess ${i}`, "203.0.113.7")),
    );
    const checked = answers.filter((a) => a.code === "UNAUTHORIZED").length;
    const limited = answers.filter((a) => a.code === "RATE_LIMITED");
    expect(checked).toBe(SIGN_IN_RULES.pair.points);
    expect(limited).toHaveLength(200 - SIGN_IN_RULES.pair.points);
    expect(limited[0]).toMatchObject({ status: 429 });
    expect(limited[0]!.retryAfterSec).toBeGreaterThan(0);
    expect(Number(limited[0]!.retryAfter)).toBe(limited[0]!.retryAfterSec);
  });

  it("lets the owner in from elsewhere while an attacker's address is locked out of the account", async () => {
    const user = await signUp(app.client(), "Owner");
    for (let i = 0; i < 10; i++) await signIn(app, user.email, `wrong ${i}`, "198.51.100.66");
    expect((await signIn(app, user.email, user.password, "198.51.100.66")).code).toBe("RATE_LIMITED");
    expect((await signIn(app, user.email, user.password, "192.0.2.10")).code).toBe("OK");
  });
});

describe("the sign-in throttle without a trusted proxy", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("ignores X-Forwarded-For, so a client cannot name a fresh address for each guess", async () => {
    const user = await signUp(app.client(), "Spoofed");
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await signIn(app, user.email, `wrong ${i}`, `10.0.0.${i}`));
    expect(answers.map((a) => a.code).slice(-2)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
  });
});

describe("sign-ups from one address", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("are limited, so testing which emails exist stays slow", async () => {
    const codes: string[] = [];
    for (let i = 0; i <= SIGN_UP_RULE.points; i++) {
      const res = await fetch(`${app.url}/trpc/auth.signUp`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: "taken@example.com",
          password: "correct horse battery",
          name: "Probe",
        }),
      });
      codes.push(
        ((await res.json()) as { error?: { data?: { appCode?: string } } }).error?.data?.appCode ?? "OK",
      );
    }
    expect(codes[0]).toBe("OK");
    expect(new Set(codes.slice(1, -1))).toEqual(new Set(["CONFLICT"]));
    expect(codes.at(-1)).toBe("RATE_LIMITED");
  });
});
