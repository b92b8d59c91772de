import type { RawImage } from "../imageIo.ts";

/** Bounding box of pixels with any opacity; a fully transparent frame trims to its top-left pixel. */
export function opaqueBounds(frame: RawImage): { x: number; y: number; width: number; height: number } {
  const { width, height, data } = frame;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < width; x++) {
      if (data[row + x * 4 + 3]! === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  if (x1 < 0) return { x: 0, y: 0, width: 1, height: 1 };
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export function cropRaw(
  frame: RawImage,
  box: { x: number; y: number; width: number; height: number },
): RawImage {
  const data = Buffer.alloc(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * frame.width + box.x) * 4;
    frame.data.copy(data, y * box.width * 4, from, from + box.width * 4);
  }
  return { data, width: box.width, height: box.height, channels: 4 };
}

/** Turns a frame 90° clockwise. */
export function rotateClockwise(frame: RawImage): RawImage {
  const { width, height } = frame;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const to = (x * height + (height - 1 - y)) * 4;
      frame.data.copy(data, to, (y * width + x) * 4, (y * width + x) * 4 + 4);
    }
  }
  return { data, width: height, height: width, channels: 4 };
}

export function pasteRaw(target: RawImage, frame: RawImage, left: number, top: number): void {
  for (let y = 0; y < frame.height; y++) {
    frame.data.copy(
      target.data,
      ((top + y) * target.width + left) * 4,
      y * frame.width * 4,
      (y + 1) * frame.width * 4,
    );
  }
}
