import { describe, expect, it } from "vitest";
import { waitOf } from "./waitOf.ts";

describe("the wait a rate limit names", () => {
  it("says how long to wait in words that agree with the number", () => {
    expect(waitOf(1)).toBe("1 second");
    expect(waitOf(2)).toBe("2 seconds");
    expect(waitOf(59)).toBe("59 seconds");
    expect(waitOf(60)).toBe("1 minute");
    expect(waitOf(61)).toBe("2 minutes");
    expect(waitOf(900)).toBe("15 minutes");
  });
});
