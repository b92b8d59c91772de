import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddressResolver, parseTrustProxy } from "./clientAddress.ts";

const req = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  }) as unknown as IncomingMessage;

describe("the client address", () => {
  it("is the socket's peer unless proxies are trusted", () => {
    const resolve = clientAddressResolver(parseTrustProxy("")!);
    expect(resolve(req("::ffff:203.0.113.9", "1.2.3.4"))).toBe("203.0.113.9");
  });

  it("counts trusted hops from the right of X-Forwarded-For", () => {
    const resolve = clientAddressResolver(parseTrustProxy("1")!);
    expect(resolve(req("10.0.0.2", "6.6.6.6, 203.0.113.9"))).toBe("203.0.113.9");
    expect(resolve(req("10.0.0.2"))).toBe("10.0.0.2");
    expect(
      clientAddressResolver(parseTrustProxy("2")!)(req("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1")),
    ).toBe("203.0.113.9");
  });

  it("skips only listed proxies, so a client's own X-Forwarded-For entry cannot win", () => {
    const resolve = clientAddressResolver(parseTrustProxy("10.0.0.0/8, 192.0.2.1")!);
    expect(resolve(req("10.1.2.3", "6.6.6.6, 203.0.113.9, 192.0.2.1"))).toBe("203.0.113.9");
    expect(resolve(req("203.0.113.50", "6.6.6.6"))).toBe("203.0.113.50");
    expect(parseTrustProxy("not an address")).toBeNull();
  });
});
