import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { ImageAnalysis } from "../analysis.ts";
import { builtInFormats } from "../formats.ts";
import { fixture, runStep } from "../testing/stepHarness.ts";
import { repurposeStep } from "./repurpose.ts";

/** A grey gradient scene with one pure red rectangle: the "subject" whose box the test knows. */
async function sceneWithSubject(
  width: number,
  height: number,
  subject: { x: number; y: number; width: number; height: number },
) {
  const background = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g"><stop offset="0" stop-color="#203040"/><stop offset="1" stop-color="#a0b0c0"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <rect x="${subject.x}" y="${subject.y}" width="${subject.width}" height="${subject.height}" fill="#ff0000"/>
    </svg>`,
  );
  const data = await sharp(background).png().toBuffer();
  const analysis: ImageAnalysis = {
    width,
    height,
    subject: { ...subject, score: 1 },
    faces: [],
    texts: [],
    colours: [],
  };
  return { artifact: { name: "scene", mediaType: "image/png", data }, analysis };
}

/** Bounding box of pure-red pixels, and whether any touches the image edge. */
async function redBox(image: Buffer) {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let x0 = info.width;
  let y0 = info.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * 3;
      if (data[i]! > 200 && data[i + 1]! < 60 && data[i + 2]! < 60) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x0, y0, x1, y1, width: x1 - x0 + 1, height: y1 - y0 + 1, info };
}

describe("repurpose", () => {
  it("writes an opaque photo as JPEG even with an alpha channel, and PNG only where it is transparent", async () => {
    const opaque = await sharp({ create: { width: 300, height: 200, channels: 4, background: "#336699ff" } })
      .png()
      .toBuffer();
    const cutout = await sharp({ create: { width: 300, height: 200, channels: 4, background: "#33669900" } })
      .png()
      .toBuffer();
    // No analysis wanted: a stored one (nothing in it) keeps the models out of this.
    const analysis = { width: 300, height: 200, subject: null, faces: [], texts: [], colours: [] };
    const formats = ["x-post"];
    const photo = await runStep(repurposeStep, { formats, analysis }, [
      { name: "photo", mediaType: "image/png", data: opaque },
    ]);
    expect(photo.result.images[0]!.mediaType).toBe("image/jpeg");
    const clear = await runStep(repurposeStep, { formats, analysis }, [
      { name: "cut", mediaType: "image/png", data: cutout },
    ]);
    expect(clear.result.images[0]!.mediaType).toBe("image/png");
  });

  it("makes every built-in format at its exact size for every fixture", async () => {
    for (const name of ["chelsea.png", "coffee.png", "text.png"]) {
      const input = fixture(name);
      const meta = await sharp(input.data).metadata();
      const analysis: ImageAnalysis = {
        width: meta.width!,
        height: meta.height!,
        subject: {
          x: meta.width! * 0.3,
          y: meta.height! * 0.2,
          width: meta.width! * 0.3,
          height: meta.height! * 0.5,
        },
        faces: [],
        texts: [],
        colours: [],
      };
      const { result } = await runStep(repurposeStep, { analysis, output: "jpeg", quality: 60 }, [input]);
      expect(result.images.map((i) => i.name)).toEqual(builtInFormats.map((f) => f.id));
      for (const format of builtInFormats) {
        const out = result.images.find((i) => i.name === format.id)!;
        const decoded = await sharp(out.data).metadata();
        expect([decoded.width, decoded.height, out.mediaType]).toEqual([
          format.width,
          format.height,
          "image/jpeg",
        ]);
        expect(out.meta?.source).toBe(input.name);
      }
    }
  });

  it("keeps the whole subject inside every crop", async () => {
    const subject = { x: 1150, y: 250, width: 260, height: 420 };
    const { artifact, analysis } = await sceneWithSubject(1600, 900, subject);
    const { result } = await runStep(repurposeStep, { analysis, output: "png" }, [artifact]);
    for (const format of builtInFormats) {
      const out = result.images.find((i) => i.name === format.id)!;
      const box = await redBox(out.data);
      expect([box.info.width, box.info.height]).toEqual([format.width, format.height]);
      // Uncut: the red block does not run into any edge and keeps its proportions.
      expect(box.x0).toBeGreaterThan(0);
      expect(box.y0).toBeGreaterThan(0);
      expect(box.x1).toBeLessThan(format.width - 1);
      expect(box.y1).toBeLessThan(format.height - 1);
      expect(box.width / box.height).toBeCloseTo(subject.width / subject.height, 1);
    }
  });

  it("extends the canvas when no crop of the format's aspect can hold the subject", async () => {
    const subject = { x: 100, y: 350, width: 1400, height: 200 };
    const { artifact, analysis } = await sceneWithSubject(1600, 900, subject);
    for (const fill of ["blur", "solid", "mirror", "edge"] as const) {
      const { result } = await runStep(
        repurposeStep,
        {
          analysis,
          formats: ["tiktok-cover", "instagram-square"],
          fill,
          fillColour: "#00ff00",
          output: "png",
        },
        [artifact],
      );
      const story = result.images[0]!;
      expect((story.meta!.crop as { extended: boolean }).extended).toBe(true);
      const box = await redBox(story.data);
      expect([box.info.width, box.info.height]).toEqual([1080, 1920]);
      expect(box.x0).toBeGreaterThan(0);
      expect(box.x1).toBeLessThan(1079);
      // The whole 1400 px subject is shown, scaled to the story's width with a small margin.
      expect(box.width).toBeGreaterThan(1080 * 0.9);
      if (fill === "solid") {
        const top = await sharp(story.data)
          .extract({ left: 540, top: 5, width: 1, height: 1 })
          .raw()
          .toBuffer();
        expect([...top.subarray(0, 3)]).toEqual([0, 255, 0]);
      }
    }
  });

  it("fills with the organisation's canvas fill when the run does not name one", async () => {
    const subject = { x: 100, y: 350, width: 1400, height: 200 };
    const { artifact, analysis } = await sceneWithSubject(1600, 900, subject);
    const topPixel = async (fill: "solid" | undefined, orgFill: "solid" | "blur") => {
      const env = { org: { cropPriority: ["product" as const], formats: [], canvasFill: orgFill } };
      const params = { analysis, formats: ["tiktok-cover"], fillColour: "#00ff00", output: "png" as const };
      const { result } = await runStep(repurposeStep, fill ? { ...params, fill } : params, [artifact], {
        env,
      });
      const top = await sharp(result.images[0]!.data).extract({ left: 540, top: 5, width: 1, height: 1 });
      return [...(await top.raw().toBuffer()).subarray(0, 3)];
    };
    expect(await topPixel(undefined, "solid")).toEqual([0, 255, 0]);
    expect(await topPixel(undefined, "blur")).not.toEqual([0, 255, 0]);
    expect(await topPixel("solid", "blur")).toEqual([0, 255, 0]);
  });

  it("uses an organisation's own format and rejects an unknown id", async () => {
    const input = fixture("coffee.png");
    const env = {
      org: {
        cropPriority: ["product" as const],
        formats: [{ id: "banner", label: "Banner", width: 728, height: 90 }],
      },
    };
    const { result } = await runStep(
      repurposeStep,
      {
        formats: ["banner"],
        analysis: { width: 600, height: 400, subject: null, faces: [], texts: [], colours: [] },
      },
      [input],
      { env },
    );
    expect([result.images[0]!.width, result.images[0]!.height]).toEqual([728, 90]);
    await expect(runStep(repurposeStep, { formats: ["nope"] }, [input], { env })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
  });
});

describe("repurpose with the real analysis models", () => {
  it("keeps ISNet's subject box of coffee.png inside each crop", async () => {
    const { analyzeImage } = await import("../analysis/analyzeImage.ts");
    const input = fixture("coffee.png");
    const analysis = await analyzeImage(input.data, {
      env: { maxInputPixels: 40_000_000, executionProviders: ["cpu"] },
      signal: new AbortController().signal,
      want: { subject: true, text: false, faces: false },
    });
    expect(analysis.subject).not.toBeNull();
    const { result } = await runStep(
      repurposeStep,
      { analysis, output: "jpeg", quality: 50, cropPriority: ["product"] },
      [input],
    );
    const s = analysis.subject!;
    for (const out of result.images) {
      const plan = out.meta!.crop as { region: { x: number; y: number; width: number; height: number } };
      const { region } = plan;
      expect(s.x).toBeGreaterThanOrEqual(region.x - 0.5);
      expect(s.y).toBeGreaterThanOrEqual(region.y - 0.5);
      expect(s.x + s.width).toBeLessThanOrEqual(region.x + region.width + 0.5);
      expect(s.y + s.height).toBeLessThanOrEqual(region.y + region.height + 0.5);
    }
  });
});
