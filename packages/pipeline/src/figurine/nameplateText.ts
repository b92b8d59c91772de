import { readFileSync } from "node:fs";
import { join } from "node:path";
import opentype from "opentype.js";
import { packageDir } from "../models/packageDir.ts";

/** Closed outlines of a line of text, in font units scaled to `size` (cap height ≈ 0.73·size), y up. */
export type TextOutline = Array<Array<[number, number]>>;

const FONT_PACKAGE = "@fontsource/dejavu-sans";
const FONT_FILE = "files/dejavu-sans-latin-700-normal.woff";
let font: opentype.Font | undefined;

/** DejaVu Sans Bold from the @fontsource package (OFL/Bitstream Vera licence), parsed once. */
function nameFont(): opentype.Font {
  if (!font) {
    const bytes = readFileSync(join(packageDir(FONT_PACKAGE), FONT_FILE));
    font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  return font;
}

/**
 * The outlines of `text` set in one line. Glyphs are placed one by one with their advance widths
 * and kerning (opentype.js's shaping path rejects some of DejaVu's substitution tables); quadratic
 * and cubic segments are flattened to `segments` straight pieces each. Characters the font lacks
 * are skipped. Returns the outline and the line's advance width (trailing tracking included).
 */
export function textOutline(
  text: string,
  size: number,
  opts: { segments?: number; tracking?: number } = {},
): { outline: TextOutline; width: number } {
  const segments = opts.segments ?? 6;
  // Extra space between letters, in em: small engraved text keeps its ridges printable.
  const tracking = (opts.tracking ?? 0) * size;
  const f = nameFont();
  const unit = size / f.unitsPerEm;
  const outline: TextOutline = [];
  let x = 0;
  let previous: opentype.Glyph | undefined;
  for (const ch of text) {
    const glyph = f.charToGlyph(ch);
    if (glyph.index === 0 && ch !== " ") continue;
    if (previous) x += f.getKerningValue(previous, glyph) * unit;
    let contour: Array<[number, number]> = [];
    let cx = 0;
    let cy = 0;
    const close = () => {
      if (contour.length >= 3) outline.push(contour);
      contour = [];
    };
    for (const c of glyph.getPath(x, 0, size).commands) {
      if (c.type === "M") {
        close();
        contour.push([c.x, -c.y]);
      } else if (c.type === "L") contour.push([c.x, -c.y]);
      else if (c.type === "Q") {
        for (let i = 1; i <= segments; i++) {
          const t = i / segments;
          const a = (1 - t) * (1 - t);
          const b = 2 * (1 - t) * t;
          const d = t * t;
          contour.push([a * cx + b * c.x1 + d * c.x, -(a * cy + b * c.y1 + d * c.y)]);
        }
      } else if (c.type === "C") {
        for (let i = 1; i <= segments; i++) {
          const t = i / segments;
          const u = 1 - t;
          const px = u * u * u * cx + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x;
          const py = u * u * u * cy + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y;
          contour.push([px, -py]);
        }
      } else if (c.type === "Z") close();
      if (c.type !== "Z") {
        cx = c.x;
        cy = c.y;
      }
    }
    close();
    x += (glyph.advanceWidth ?? 0) * unit + tracking;
    previous = glyph;
  }
  return { outline, width: x };
}
