import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "../replicate/fakeReplicate.ts";
import { fixture, runStep, testEnv } from "../testing/stepHarness.ts";
import { generateStep } from "./generate.ts";

let fake: FakeReplicate;
const output = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#884422" } })
  .png()
  .toBuffer();

beforeAll(async () => {
  fake = await startFakeReplicate({ token: "r8_test", output });
});
afterAll(() => fake.close());

const env = () => ({ replicateToken: fake.token, replicateBaseUrl: fake.baseUrl });

describe("generate (Replicate)", () => {
  it("is unavailable without a token", () => {
    expect(generateStep.availability!(testEnv)).toMatchObject({ available: false });
    expect(generateStep.availability!({ ...testEnv, replicateToken: "x" })).toEqual({ available: true });
  });

  it("sends the image, follows urls.get until succeeded and returns the re-encoded output", async () => {
    const { result, progress } = await runStep(
      generateStep,
      {
        model: "acme/stager",
        imageInput: "image",
        input: { prompt: "a cosy living room" },
        waitSeconds: 0,
        pollIntervalMs: 10,
      },
      [fixture("coffee.png")],
      { env: env() },
    );
    const create = fake.requests.find(
      (r) => r.method === "POST" && r.path === "/v1/models/acme/stager/predictions",
    )!;
    const sent = (create.body as { input: { image: string; prompt: string } }).input;
    expect(sent.prompt).toBe("a cosy living room");
    expect(sent.image.startsWith("data:image/png;base64,")).toBe(true);
    expect(create.prefer).toBeUndefined();
    expect(
      fake.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v1/predictions/")).length,
    ).toBeGreaterThanOrEqual(2);
    expect(result.images).toHaveLength(1);
    expect([result.images[0]!.width, result.images[0]!.height, result.images[0]!.mediaType]).toEqual([
      64,
      48,
      "image/png",
    ]);
    expect(progress.at(-1)).toBe(1);
  });

  it("uses Prefer: wait and skips polling when the prediction finishes in the request", async () => {
    const before = fake.requests.length;
    const { result } = await runStep(
      generateStep,
      { version: "abcdef0123456789", input: { prompt: "quick" }, waitSeconds: 5 },
      [],
      { env: env() },
    );
    const mine = fake.requests.slice(before);
    expect(mine[0]).toMatchObject({ method: "POST", path: "/v1/predictions", prefer: "wait=5" });
    expect(mine.some((r) => r.path.startsWith("/v1/predictions/p"))).toBe(false);
    expect(result.images[0]!.name).toBe("generated");
  });

  it("maps provider errors to codes", async () => {
    await expect(
      runStep(generateStep, { model: "acme/x", input: {} }, [], { env: env() }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(
      runStep(
        generateStep,
        { model: "acme/x", input: { prompt: "fail" }, waitSeconds: 0, pollIntervalMs: 10 },
        [],
        { env: env() },
      ),
    ).rejects.toMatchObject({ code: "UPSTREAM_ERROR" });
    await expect(
      runStep(generateStep, { model: "acme/x", input: { prompt: "a" } }, [], {
        env: { ...env(), replicateToken: "wrong" },
      }),
    ).rejects.toMatchObject({ code: "CONFIG_ERROR" });
  });

  it("cancels the prediction upstream when the job is cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 80);
    await expect(
      runStep(
        generateStep,
        { model: "acme/x", input: { prompt: "slow" }, waitSeconds: 0, pollIntervalMs: 10 },
        [],
        {
          env: env(),
          signal: controller.signal,
        },
      ),
    ).rejects.toMatchObject({ code: "CANCELLED" });
    expect(fake.cancelled.length).toBe(1);
  });
});
