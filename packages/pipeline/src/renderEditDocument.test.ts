import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderEditDocument } from "./renderEditDocument.ts";
import { fixture, testEnv } from "./testing/stepHarness.ts";

const coffee = fixture("coffee.png").data;

describe("renderEditDocument", () => {
  it("draws the same picture for a quick preview and the final output", async () => {
    const doc = {
      crop: { x: 0.1, y: 0.1, width: 0.8, height: 0.8 },
      adjustments: { brightness: 1.1, saturation: 1.3, contrast: 1.2 },
      overlays: [{ id: "o1", text: "Espresso", styleSet: "title", x: 0.05, y: 0.05, maxWidth: 0.9 }],
    };
    const full = await renderEditDocument(coffee, doc, { env: testEnv });
    const preview = await renderEditDocument(coffee, doc, { env: testEnv, maxSize: 120 });
    expect([full.width, full.height]).toEqual([480, 320]);
    expect([preview.width, preview.height]).toEqual([120, 80]);
    const fullSmall = await sharp(full.data).resize(120, 80, { fit: "fill" }).removeAlpha().raw().toBuffer();
    const previewRaw = await sharp(preview.data).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < previewRaw.length; i++) diff += Math.abs(previewRaw[i]! - fullSmall[i]!);
    expect(diff / previewRaw.length).toBeLessThan(12);
    // The overlay drew something: the top-left corner changed against the plain crop.
    const plain = await renderEditDocument(
      coffee,
      { crop: doc.crop, adjustments: doc.adjustments },
      { env: testEnv },
    );
    const a = await sharp(plain.data).extract({ left: 20, top: 15, width: 200, height: 50 }).raw().toBuffer();
    const b = await sharp(full.data).extract({ left: 20, top: 15, width: 200, height: 50 }).raw().toBuffer();
    expect(a.equals(b)).toBe(false);
  });

  it("renders a format at its exact size with the format's own crop", async () => {
    const doc = {
      crop: { x: 0, y: 0, width: 1, height: 1 },
      formatOverrides: { "instagram-story": { crop: { x: 0.4, y: 0, width: 0.3, height: 1 } } },
    };
    const story = await renderEditDocument(coffee, doc, {
      env: testEnv,
      formatId: "instagram-story",
      output: "jpeg",
    });
    expect([story.width, story.height, story.mediaType]).toEqual([1080, 1920, "image/jpeg"]);
    const small = await renderEditDocument(coffee, doc, {
      env: testEnv,
      formatId: "instagram-story",
      maxSize: 256,
    });
    expect([small.width, small.height]).toEqual([144, 256]);
  });

  it("rejects an invalid document with the path", async () => {
    await expect(
      renderEditDocument(coffee, { crop: { x: 0.5, y: 0, width: 0.8, height: 1 } }, { env: testEnv }),
    ).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
  });
});
