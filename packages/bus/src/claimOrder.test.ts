import { describe, expect, it } from "vitest";
import { classOrderForRound, readOrder } from "./claimOrder.ts";
import { busKeys } from "./keys.ts";
import { tierForVramMb, tiersFitting } from "./tiers.ts";

describe("claim order", () => {
  it("reads highest class first, and every Nth round lets batch, standard, pro go first in turn", () => {
    const firsts = Array.from({ length: 12 }, (_, i) => classOrderForRound(i + 1, 4)[0]);
    expect(firsts).toEqual([
      "interactive",
      "interactive",
      "interactive",
      "batch",
      "interactive",
      "interactive",
      "interactive",
      "standard",
      "interactive",
      "interactive",
      "interactive",
      "pro",
    ]);
    expect(classOrderForRound(4, 4)).toEqual(["batch", "interactive", "pro", "standard"]);
  });

  it("reads only tiers that fit the free memory, big jobs first within a class", () => {
    const order = readOrder(1, 4, 5000);
    expect(order.slice(0, 3)).toEqual([
      { priority: "interactive", tier: 4 },
      { priority: "interactive", tier: 2 },
      { priority: "interactive", tier: 0 },
    ]);
    expect(order).toHaveLength(12);
  });
});

describe("VRAM tiers", () => {
  it("puts a job in the smallest tier that holds its peak", () => {
    expect(tierForVramMb(0)).toBe(0);
    expect(tierForVramMb(1)).toBe(2);
    expect(tierForVramMb(2048)).toBe(2);
    expect(tierForVramMb(2049)).toBe(4);
    expect(tierForVramMb(80 * 1024)).toBe(80);
    expect(tiersFitting(4096)).toEqual([4, 2, 0]);
    expect(tiersFitting(4095)).toEqual([2, 0]);
  });
});

describe("keys", () => {
  it("hash-tags every key a script touches together into one slot", () => {
    const keys = busKeys("atelier");
    const jobKeys = [keys.retries, keys.deadLetters, keys.published, ...keys.jobStreams.map((s) => s.key)];
    expect(jobKeys.every((k) => k.startsWith("atelier:{jobs}:"))).toBe(true);
    expect(keys.projectEvents("p").startsWith("atelier:{events}:")).toBe(true);
    expect(keys.control.startsWith("atelier:{events}:")).toBe(true);
    expect(keys.jobStreams).toHaveLength(32);
    expect(() => busKeys("bad prefix{")).toThrow(/prefix/);
  });
});
