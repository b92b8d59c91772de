import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { TextBox } from "../analysis.ts";
import type { Artifact } from "../step.ts";
import { fixture, runStep } from "../testing/stepHarness.ts";
import { detectTextStep } from "./detectText.ts";

function textsOf(data: Record<string, unknown> | undefined): TextBox[] {
  return (data as { texts: TextBox[] }).texts;
}

/** A poster drawn in code, so the test says exactly which words are on it. */
async function poster(): Promise<Artifact> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240">
    <rect width="100%" height="100%" fill="#f4efe6"/>
    <text x="30" y="80" font-size="44" font-family="DejaVu Sans, sans-serif" fill="#222">Summer Sale 2026</text>
    <text x="60" y="180" font-size="36" font-family="DejaVu Sans, sans-serif" fill="#a00">Free shipping today</text>
  </svg>`;
  return { name: "poster", mediaType: "image/png", data: await sharp(Buffer.from(svg)).png().toBuffer() };
}

describe("detect-text (PP-OCRv4)", () => {
  it("finds the handwriting across text.png", async () => {
    const { result } = await runStep(detectTextStep, {}, [fixture("text.png")]);
    const texts = textsOf(result.data);
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const box of texts) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(448);
      expect(box.y + box.height).toBeLessThanOrEqual(172);
      expect(box.score).toBeGreaterThan(0.6);
    }
    // The formulas run over the whole sheet: boxes reach both sides and top and bottom.
    expect(Math.min(...texts.map((b) => b.x))).toBeLessThan(60);
    expect(Math.max(...texts.map((b) => b.x + b.width))).toBeGreaterThan(300);
    expect(Math.min(...texts.map((b) => b.y))).toBeLessThan(40);
    expect(Math.max(...texts.map((b) => b.y + b.height))).toBeGreaterThan(150);
    const area = texts.reduce((sum, b) => sum + b.width * b.height, 0);
    expect(area / (448 * 172)).toBeGreaterThan(0.25);
    expect(result.images).toHaveLength(1);
  });

  it("reads the lines of a poster where they are", async () => {
    const { result, progress, previews } = await runStep(detectTextStep, { recognize: true }, [
      await poster(),
    ]);
    const texts = textsOf(result.data);
    const words = texts.flatMap((t) => (t.text ?? "").split(/\s+/));
    for (const word of ["Summer", "Sale", "2026", "Free", "shipping", "today"]) expect(words).toContain(word);
    expect(texts.map((t) => t.text)).toEqual(["Summer Sale 2026", "Free shipping today"]);
    const summer = texts.find((t) => t.text?.includes("Summer"))!;
    expect(summer.y).toBeLessThan(80);
    const today = texts.find((t) => t.text?.includes("today"))!;
    expect(today.y).toBeGreaterThan(120);
    expect(progress.at(-1)).toBe(1);
    expect((await sharp(previews[0]!).metadata()).width).toBe(640);
  });

  it("finds nothing on a plain image", async () => {
    const blank = await sharp({ create: { width: 320, height: 200, channels: 3, background: "#7aa0c8" } })
      .png()
      .toBuffer();
    const { result } = await runStep(detectTextStep, { recognize: true }, [
      { name: "blank", mediaType: "image/png", data: blank },
    ]);
    expect(textsOf(result.data)).toEqual([]);
  });
});
