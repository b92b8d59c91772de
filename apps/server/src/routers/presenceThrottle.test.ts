import { describe, expect, it } from "vitest";
import { PRESENCE_INTERVAL_MS, PresenceThrottle } from "./presenceThrottle.ts";

describe("the presence throttle", () => {
  it("sends the first move at once and the last of a burst at the end of the interval", async () => {
    const sent: number[] = [];
    const throttle = new PresenceThrottle(() => undefined);
    const move = (n: number) => throttle.offer("p:u", async () => void sent.push(n));
    expect(await move(1)).toBe(true);
    expect(await move(2)).toBe(false);
    expect(await move(3)).toBe(false);
    expect(sent).toEqual([1]);
    await new Promise((r) => setTimeout(r, PRESENCE_INTERVAL_MS + 30));
    expect(sent).toEqual([1, 3]);
  });

  it("sends nothing that waited once the person left", async () => {
    const sent: number[] = [];
    const throttle = new PresenceThrottle(() => undefined);
    await throttle.offer("p:u", async () => void sent.push(1));
    await throttle.offer("p:u", async () => void sent.push(2));
    throttle.forget("p:u");
    await new Promise((r) => setTimeout(r, PRESENCE_INTERVAL_MS + 30));
    expect(sent).toEqual([1]);
  });
});
