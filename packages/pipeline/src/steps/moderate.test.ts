import { afterAll, describe, expect, it } from "vitest";
import { releaseSessions } from "../models/sessionPool.ts";
import { fixture, runStep } from "../testing/stepHarness.ts";
import { cartoonizeStep } from "./cartoonize.ts";
import { moderateStep } from "./moderate.ts";

afterAll(() => releaseSessions());

describe("moderate", () => {
  it("scores the test photos as neutral, far below the default threshold", async () => {
    for (const name of ["coffee.png", "chelsea.png", "text.png"]) {
      const { result } = await runStep(moderateStep, {}, [fixture(name)]);
      const data = result.data as { scores: Record<string, number>; unsafe: number; flagged: boolean };
      const classes = Object.keys(data.scores).sort();
      expect(classes).toEqual(["drawing", "hentai", "neutral", "porn", "sexy"]);
      const total = Object.values(data.scores).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 3);
      expect(data.scores.neutral).toBeGreaterThan(0.8);
      expect(data.unsafe).toBeLessThan(0.1);
      expect(data.flagged).toBe(false);
      // The image flows on unchanged, with its scores beside it.
      expect(result.images[0]?.data.equals(fixture(name).data)).toBe(true);
      expect(result.images[0]?.meta?.moderation).toMatchObject({ flagged: false });
    }
  });

  it("sees the cartoonized cat as a drawing and the photo of it as a photo", async () => {
    const cartoon = await runStep(cartoonizeStep, {}, [fixture("chelsea.png")]);
    const drawn = await runStep(moderateStep, {}, cartoon.result.images);
    const photo = await runStep(moderateStep, {}, [fixture("chelsea.png")]);
    const drawing = (run: typeof drawn) =>
      (run.result.data as { scores: { drawing: number } }).scores.drawing;
    expect(drawing(drawn)).toBeGreaterThan(0.5);
    expect(drawing(photo)).toBeLessThan(0.05);
  });

  it("flags everything at threshold 0, and takes the organization's threshold when none is given", async () => {
    const strict = await runStep(moderateStep, { threshold: 0 }, [fixture("coffee.png")]);
    expect((strict.result.data as { flagged: boolean }).flagged).toBe(true);
    const org = await runStep(moderateStep, {}, [fixture("coffee.png")], {
      env: { org: { cropPriority: [], formats: [], moderationThreshold: 0 } },
    });
    expect((org.result.data as { flagged: boolean; threshold: number }).threshold).toBe(0);
    expect((org.result.data as { flagged: boolean }).flagged).toBe(true);
  });

  it("refuses a file that is not an image with a coded error", async () => {
    const err = await runStep(moderateStep, {}, [
      { name: "x", mediaType: "image/png", data: Buffer.from("not an image") },
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: expect.stringMatching(/UNSUPPORTED_MEDIA|CORRUPT_IMAGE/) });
  });
});
