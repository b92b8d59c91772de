import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isAppError } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { analyzeImage } from "../analysis/analyzeImage.ts";
import type { ImageAnalysis } from "../analysis.ts";
import { packageDir } from "../models/packageDir.ts";
import { loadedModels } from "../models/sessionPool.ts";
import { fixture, fixturesDir, runStep, testEnv } from "../testing/stepHarness.ts";
import { analyzeStep } from "./analyze.ts";

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

describe("analyze", () => {
  it("boxes the cup and saucer of coffee.png and names its warm colours", async () => {
    const { result, previews } = await runStep(analyzeStep, { text: false }, [fixture("coffee.png")]);
    expect(previews).toHaveLength(1);
    const analysis = result.data as unknown as ImageAnalysis;
    expect([analysis.width, analysis.height]).toEqual([600, 400]);
    const subject = analysis.subject!;
    expect(subject.x).toBeGreaterThan(50);
    expect(subject.x).toBeLessThan(110);
    expect(subject.y).toBeLessThan(40);
    expect(subject.x + subject.width).toBeGreaterThan(450);
    expect(subject.x + subject.width).toBeLessThan(520);
    expect(subject.y + subject.height).toBeGreaterThan(360);
    expect(subject.y + subject.height).toBeLessThanOrEqual(400);
    expect(analysis.texts).toEqual([]);
    expect(analysis.colours.length).toBeGreaterThanOrEqual(3);
    for (const colour of analysis.colours) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
    // Wood, saucer and coffee: the most common colour is a warm brown, red over blue.
    const [r, , b] = channels(analysis.colours[0]!);
    expect(r).toBeGreaterThan(b + 40);
    expect(result.images).toHaveLength(1);
    // The next step (repurpose, text-overlay) finds it on the image and does not run the models again.
    expect(result.images[0]!.meta?.analysis).toEqual(analysis);
  });

  it("finds the text of text.png without loading the subject model", async () => {
    const analysis = await analyzeImage(readFileSync(`${fixturesDir}/text.png`), {
      env: testEnv,
      signal: new AbortController().signal,
      want: { subject: false },
    });
    expect(analysis.subject).toBeNull();
    expect(analysis.texts.length).toBeGreaterThanOrEqual(4);
    // Grey paper: every dominant colour is a grey.
    for (const colour of analysis.colours) {
      const [r, g, b] = channels(colour);
      expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(12);
    }
  });

  it("finds the three faces in a group photo and none on coffee or the cat", async () => {
    const photo = readFileSync(join(packageDir("@vladmandic/face-api"), "demo/sample1.jpg"));
    const analysis = await analyzeImage(photo, {
      env: testEnv,
      signal: new AbortController().signal,
      want: { subject: false, text: false },
    });
    // Three women side by side, faces at about x 340, 780 and 1420 of 1920, in the top half.
    const faces = [...analysis.faces].sort((a, b) => a.x - b.x);
    expect(faces).toHaveLength(3);
    const centres = faces.map((f) => f.x + f.width / 2);
    expect(centres[0]).toBeGreaterThan(350);
    expect(centres[0]).toBeLessThan(600);
    expect(centres[1]).toBeGreaterThan(800);
    expect(centres[1]).toBeLessThan(1100);
    expect(centres[2]).toBeGreaterThan(1450);
    expect(centres[2]).toBeLessThan(1700);
    for (const face of faces) {
      expect(face.y + face.height).toBeLessThan(800);
      expect(face.width).toBeGreaterThan(150);
      expect(face.label).toBe("face");
    }
    expect(loadedModels()).toContainEqual(
      expect.objectContaining({ name: "tiny-face-detector", provider: "js" }),
    );
    for (const name of ["coffee.png", "chelsea.png"]) {
      const none = await analyzeImage(readFileSync(`${fixturesDir}/${name}`), {
        env: testEnv,
        signal: new AbortController().signal,
        want: { subject: false, text: false },
      });
      expect(none.faces).toEqual([]);
    }
  });

  it("rejects a truncated JPEG with CORRUPT_IMAGE", async () => {
    const err = await analyzeImage(readFileSync(`${fixturesDir}/truncated.jpg`), {
      env: testEnv,
      signal: new AbortController().signal,
    }).catch((e) => e);
    expect(isAppError(err, "CORRUPT_IMAGE")).toBe(true);
  });

  it("stops with CANCELLED when aborted before it starts", async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await analyzeImage(readFileSync(`${fixturesDir}/coffee.png`), {
      env: testEnv,
      signal: controller.signal,
    }).catch((e) => e);
    expect(isAppError(err, "CANCELLED")).toBe(true);
  });
});
