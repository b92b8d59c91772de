import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { ImageAnalysis } from "../analysis.ts";
import { escapeXml } from "../text/textSvg.ts";
import { runStep } from "../testing/stepHarness.ts";
import { textOverlayStep } from "./textOverlay.ts";

async function plainImage(width: number, height: number) {
  const data = await sharp({ create: { width, height, channels: 3, background: "#336699" } })
    .png()
    .toBuffer();
  return { name: "plain", mediaType: "image/png", data };
}

/** Box of pixels that differ from the plain background. */
async function changedBox(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let x0 = info.width;
  let y0 = info.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * 3;
      if (Math.abs(data[i]! - 0x33) + Math.abs(data[i + 1]! - 0x66) + Math.abs(data[i + 2]! - 0x99) > 6) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x0, y0, x1, y1 };
}

describe("text-overlay", () => {
  it("writes title, subtitle and body outside the subject box", async () => {
    const input = await plainImage(1080, 1080);
    const subject = { x: 240, y: 120, width: 600, height: 560 };
    const analysis: ImageAnalysis = { width: 1080, height: 1080, subject, faces: [], texts: [], colours: [] };
    const { result } = await runStep(
      textOverlayStep,
      {
        analysis,
        texts: [
          { text: "Summer Sale", styleSet: "title" },
          { text: "Everything must go <today> & tomorrow", styleSet: "subtitle" },
          {
            text: "Terms apply. See the shop for details.",
            styleSet: "body",
            style: { box: { colour: "#000000" } },
          },
        ],
      },
      [input],
    );
    const changed = await changedBox(result.images[0]!.data);
    expect(changed.x1).toBeGreaterThan(0);
    // Something was drawn, and all of it lies below the subject.
    expect(changed.y0).toBeGreaterThan(subject.y + subject.height);
    expect([result.images[0]!.width, result.images[0]!.height]).toEqual([1080, 1080]);
  });

  it("moves to the side band when the subject fills the height", async () => {
    const input = await plainImage(1600, 900);
    const subject = { x: 80, y: 20, width: 700, height: 860 };
    const analysis: ImageAnalysis = { width: 1600, height: 900, subject, faces: [], texts: [], colours: [] };
    const { result } = await runStep(
      textOverlayStep,
      { analysis, texts: [{ text: "New in", styleSet: "title" }] },
      [input],
    );
    const changed = await changedBox(result.images[0]!.data);
    expect(changed.x0).toBeGreaterThan(subject.x + subject.width);
  });

  it("escapes markup so text is drawn, never interpreted", () => {
    expect(escapeXml(`<svg onload="x">&'\u0007`)).toBe("&lt;svg onload=&quot;x&quot;&gt;&amp;&apos;");
  });
});
