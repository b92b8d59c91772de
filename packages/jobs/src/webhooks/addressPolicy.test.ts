import { describe, expect, it } from "vitest";
import { checkWebhookUrl, isPrivateAddress } from "./addressPolicy.ts";
import { webhookRetryDelayMs, DEFAULT_WEBHOOK_SETTINGS } from "./dispatcher.ts";

describe("webhook targets", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd12:3456::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "224.0.0.1",
  ])("treats %s as private", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "treats %s as public",
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it("refuses private literal hosts and names that resolve inside, unless the operator allows them", async () => {
    await expect(checkWebhookUrl("http://localhost:3000/x", { allowPrivate: false })).rejects.toThrow(
      /public addresses/,
    );
    await expect(checkWebhookUrl("https://[::1]/x", { allowPrivate: false })).rejects.toThrow(
      /public addresses/,
    );
    await expect(checkWebhookUrl("http://localhost:3000/x", { allowPrivate: true })).resolves.toBeUndefined();
    await expect(
      checkWebhookUrl("https://93.184.216.34/x", { allowPrivate: false }),
    ).resolves.toBeUndefined();
  });
});

describe("webhook retries", () => {
  it("back off exponentially and keep trying for about a day", () => {
    const delays = Array.from({ length: 30 }, (_, i) => webhookRetryDelayMs(i + 1, DEFAULT_WEBHOOK_SETTINGS));
    expect(delays[0]).toBeGreaterThanOrEqual(4_000);
    expect(delays[0]).toBeLessThanOrEqual(6_000);
    expect(delays[3]).toBeGreaterThanOrEqual(32_000);
    let elapsed = 0;
    let tries = 1;
    for (const d of delays) {
      if (elapsed + d > DEFAULT_WEBHOOK_SETTINGS.retryWindowMs) break;
      elapsed += d;
      tries += 1;
    }
    // Tries keep coming for most of the day, a few hours apart at the end.
    expect(elapsed).toBeGreaterThan(18 * 3_600_000);
    expect(tries).toBeGreaterThan(10);
    expect(tries).toBeLessThan(25);
  });
});
