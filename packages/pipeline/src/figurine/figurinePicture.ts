import sharp from "sharp";
import { detectFaces } from "../analysis/faceDetection.ts";
import type { RawImage } from "../imageIo.ts";
import type { PipelineEnv } from "../step.ts";
import type { FigurineVariant } from "./buildFigurine.ts";
import type { RenderTexture } from "./renderMesh.ts";
import { BAND_PX, type TextureAtlas } from "./textureLayout.ts";

const BASE_COLOUR = { r: 0x34, g: 0x3a, b: 0x48 };
const NAME_COLOUR = { r: 0xf2, g: 0xea, b: 0xd8 };
const FACE_SIDE = 512;

export interface FigurinePicture {
  atlas: TextureAtlas;
  png: Buffer;
  raw: RenderTexture;
}

/**
 * The texture: the stylized subject (for chibi: its face, or the top of the subject when no face
 * is found) laid on the subject's average colour so edge texels never sample the transparent
 * background, then the body, base and name bands.
 */
export async function figurinePicture(
  rgba: RawImage,
  variant: FigurineVariant,
  env: Pick<PipelineEnv, "maxInputPixels">,
): Promise<FigurinePicture> {
  const body = averageColour(rgba);
  let picture = sharp(rgba.data, { raw: { width: rgba.width, height: rgba.height, channels: 4 } });
  let width = rgba.width;
  let height = rgba.height;
  if (variant === "chibi") {
    const crop = await faceCrop(rgba);
    picture = picture.extract(crop).resize(FACE_SIDE, FACE_SIDE);
    width = FACE_SIDE;
    height = FACE_SIDE;
    picture = sharp(await picture.png().toBuffer(), { limitInputPixels: env.maxInputPixels });
  }
  const flat = await picture.flatten({ background: body }).removeAlpha().raw().toBuffer();
  const atlasHeight = height + 3 * BAND_PX;
  const data = Buffer.alloc(width * atlasHeight * 3);
  flat.copy(data, 0, 0, width * height * 3);
  [body, BASE_COLOUR, NAME_COLOUR].forEach((c, band) => {
    for (let y = height + band * BAND_PX; y < height + (band + 1) * BAND_PX; y++)
      for (let x = 0; x < width; x++) data.set([c.r, c.g, c.b], (y * width + x) * 3);
  });
  const png = await sharp(data, { raw: { width, height: atlasHeight, channels: 3 } })
    .png()
    .toBuffer();
  return {
    atlas: { width, pictureHeight: height },
    png,
    raw: { data, width, height: atlasHeight, channels: 3 },
  };
}

function averageColour(rgba: RawImage): { r: number; g: number; b: number } {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let i = 0; i < rgba.data.length; i += 4) {
    if ((rgba.data[i + 3] ?? 0) < 128) continue;
    r += rgba.data[i] ?? 0;
    g += rgba.data[i + 1] ?? 0;
    b += rgba.data[i + 2] ?? 0;
    n++;
  }
  return n === 0
    ? { r: 200, g: 200, b: 200 }
    : { r: Math.round(r / n), g: Math.round(g / n), b: Math.round(b / n) };
}

/** The best face widened to take in hair and chin, else the top of the subject: a square in pixels. */
async function faceCrop(
  rgba: RawImage,
): Promise<{ left: number; top: number; width: number; height: number }> {
  const rgb = Buffer.alloc(rgba.width * rgba.height * 3);
  let minX = rgba.width;
  let minY = rgba.height;
  let maxX = 0;
  for (let i = 0, j = 0; i < rgba.data.length; i += 4, j += 3) {
    rgb[j] = rgba.data[i] ?? 0;
    rgb[j + 1] = rgba.data[i + 1] ?? 0;
    rgb[j + 2] = rgba.data[i + 2] ?? 0;
    if ((rgba.data[i + 3] ?? 0) >= 128) {
      const p = i / 4;
      const x = p % rgba.width;
      const y = Math.floor(p / rgba.width);
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
    }
  }
  const [face] = await detectFaces({ data: rgb, width: rgba.width, height: rgba.height, channels: 3 });
  let cx: number;
  let cy: number;
  let side: number;
  if (face) {
    side = Math.max(face.width, face.height) * 1.7;
    cx = face.x + face.width / 2;
    cy = face.y + face.height / 2 - face.height * 0.1;
  } else {
    side = Math.max(8, (maxX - minX) * 0.8);
    cx = (minX + maxX) / 2;
    cy = minY + side / 2;
  }
  side = Math.min(side, rgba.width, rgba.height);
  const left = Math.round(Math.min(rgba.width - side, Math.max(0, cx - side / 2)));
  const top = Math.round(Math.min(rgba.height - side, Math.max(0, cy - side / 2)));
  return { left, top, width: Math.floor(side), height: Math.floor(side) };
}
