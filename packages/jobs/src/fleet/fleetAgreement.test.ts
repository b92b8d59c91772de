import { randomBytes } from "node:crypto";
import { TEST_REDIS_URL } from "@atelier/bus/testing";
import { createLogger } from "@atelier/shared";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type FleetSettings, joinFleet } from "./fleetAgreement.ts";

const redisUrl = TEST_REDIS_URL;
const log = createLogger("test", "silent");

describe("joining a fleet", () => {
  const prefixes: string[] = [];
  const fleet = () => {
    const prefix = `atelier-fleet-test-${randomBytes(4).toString("hex")}`;
    prefixes.push(prefix);
    return (settings: FleetSettings) => joinFleet({ redisUrl, prefix, settings, log });
  };
  afterAll(async () => {
    const redis = new Redis(redisUrl);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  });

  const s3Server: FleetSettings = {
    role: "server",
    leaseMs: 60_000,
    storage: "s3:http://minio:9000/atelier",
    publicUrl: "https://atelier.example.com",
  };

  it("admits processes that agree, and names every setting a newcomer disagrees on", async () => {
    const join = fleet();
    const first = await join(s3Server);
    const second = await join(s3Server);
    const node = await join({ role: "node", leaseMs: 60_000, storage: s3Server.storage });
    await expect(
      join({
        ...s3Server,
        leaseMs: 2_000,
        storage: "s3:http://minio:9000/other",
        publicUrl: "http://10.0.0.7:3000",
      }),
    ).rejects.toMatchObject({
      code: "CONFIG_ERROR",
      message: expect.stringMatching(
        /BUS_LEASE_MS is 2000 here but 60000 on the server.*\n.*Storage is s3:http:\/\/minio:9000\/other here/s,
      ),
    });
    await expect(join({ ...s3Server, publicUrl: "http://10.0.0.7:3000" })).rejects.toThrow(
      /ATELIER_PUBLIC_URL is http:\/\/10.0.0.7:3000 here but https:\/\/atelier.example.com/,
    );
    for (const member of [first, second, node]) await member.stop();
    // Once they left, anything may start.
    await (await join({ ...s3Server, leaseMs: 2_000 })).stop();
  });

  it("refuses a second server on local disk elsewhere, and a node signing with another secret", async () => {
    const join = fleet();
    const local: FleetSettings = {
      role: "server",
      leaseMs: 60_000,
      storage: "local",
      dataDir: "/srv/a",
      secret: "x".repeat(32),
    };
    const first = await join(local);
    await expect(join({ ...local, dataDir: "/srv/b" })).rejects.toThrow(
      /Local-disk storage with more than one server/,
    );
    await expect(
      join({ role: "node", leaseMs: 60_000, storage: "local", secret: "y".repeat(32) }),
    ).rejects.toThrow(/ATELIER_SECRET differs/);
    const node = await join({ role: "node", leaseMs: 60_000, storage: "local", secret: "x".repeat(32) });
    await node.stop();
    await first.stop();
  });
});
