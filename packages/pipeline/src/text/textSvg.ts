import type { TextStyle } from "@atelier/shared";

/** XML 1.0 forbids most control characters; text from people may contain them. */
function withoutInvalidXmlChars(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
    if (!control && code !== 0xfffe && code !== 0xffff) out += ch;
  }
  return out;
}

export function escapeXml(text: string): string {
  return withoutInvalidXmlChars(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Average advance of a character in em for the sans fonts we render with, rounded up so
 * that wrapped lines are narrower than estimated rather than wider; the block is clipped
 * to its box anyway.
 */
function emPerChar(weight: number): number {
  return weight >= 600 ? 0.68 : 0.62;
}

export function estimateWidth(text: string, fontSize: number, weight: number): number {
  return [...text].length * fontSize * emPerChar(weight);
}

/** Greedy word wrap to a width; words longer than a line are broken by characters. */
export function wrapText(text: string, maxWidth: number, fontSize: number, weight: number): string[] {
  const maxChars = Math.max(1, Math.floor(maxWidth / (fontSize * emPerChar(weight))));
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const chunks =
        [...word].length > maxChars ? (word.match(new RegExp(`.{1,${maxChars}}`, "gu")) ?? [word]) : [word];
      for (const chunk of chunks) {
        const candidate = line ? `${line} ${chunk}` : chunk;
        if ([...candidate].length <= maxChars) line = candidate;
        else {
          if (line) lines.push(line);
          line = chunk;
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

export interface LaidOutBlock {
  lines: string[];
  style: TextStyle;
  /** Scaled font size in px. */
  fontSize: number;
  /** Inside the SVG. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Text blocks as one SVG of the given size; only this package writes these documents. */
export function blocksToSvg(width: number, height: number, blocks: LaidOutBlock[], scale: number): string {
  const defs: string[] = [];
  const body: string[] = [];
  blocks.forEach((block, index) => {
    const { style } = block;
    if (style.box) {
      body.push(
        `<rect x="${num(block.x)}" y="${num(block.y)}" width="${num(block.width)}" height="${num(block.height)}" rx="${num(style.box.radius * scale)}" fill="${style.box.colour}" fill-opacity="${style.box.opacity}"/>`,
      );
    }
    let filter = "";
    if (style.shadow) {
      const id = `shadow${index}`;
      defs.push(
        `<filter id="${id}" x="-20%" y="-20%" width="140%" height="140%"><feDropShadow dx="${num(style.shadow.dx * scale)}" dy="${num(style.shadow.dy * scale)}" stdDeviation="${num(style.shadow.blur * scale)}" flood-color="${style.shadow.colour}" flood-opacity="${style.shadow.opacity}"/></filter>`,
      );
      filter = ` filter="url(#${id})"`;
    }
    const pad = style.box ? style.box.padding * scale : 0;
    const anchor = style.align === "center" ? "middle" : style.align === "right" ? "end" : "start";
    const x =
      style.align === "center"
        ? block.x + block.width / 2
        : style.align === "right"
          ? block.x + block.width - pad
          : block.x + pad;
    const stroke = style.stroke
      ? ` stroke="${style.stroke.colour}" stroke-width="${num(style.stroke.width * scale)}" stroke-linejoin="round" paint-order="stroke"`
      : "";
    const lineStep = block.fontSize * style.lineHeight;
    const firstBaseline = block.y + pad + block.fontSize * 0.95;
    const tspans = block.lines
      .map(
        (line, i) =>
          `<tspan x="${num(x)}" y="${num(firstBaseline + i * lineStep)}">${escapeXml(line)}</tspan>`,
      )
      .join("");
    body.push(
      `<text font-family="${escapeXml(style.fontFamily)}" font-size="${num(block.fontSize)}" font-weight="${style.fontWeight}" fill="${style.colour}" text-anchor="${anchor}"${stroke}${filter}>${tspans}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width)}" height="${Math.round(height)}" viewBox="0 0 ${Math.round(width)} ${Math.round(height)}"><defs>${defs.join("")}</defs>${body.join("")}</svg>`;
}

function num(value: number): string {
  return (Math.round(value * 100) / 100).toString();
}
