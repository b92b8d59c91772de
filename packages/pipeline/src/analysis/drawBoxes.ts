import sharp from "sharp";
import type { Box } from "../analysis.ts";
import type { RawImage } from "./decodeImage.ts";

const colourByLabel: Record<string, string> = { subject: "#22c55e", face: "#f59e0b", text: "#3b82f6" };

/** A preview of what was found: the image with each box outlined, colour by label. */
export function drawBoxes(rgb: RawImage, boxes: Box[]): Promise<Buffer> {
  const stroke = Math.max(2, Math.round(Math.max(rgb.width, rgb.height) / 250));
  const rects = boxes
    .map(
      (b) =>
        `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" fill="none" ` +
        `stroke="${colourByLabel[b.label ?? ""] ?? "#ef4444"}" stroke-width="${stroke}"/>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${rgb.width}" height="${rgb.height}">${rects}</svg>`;
  return sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
