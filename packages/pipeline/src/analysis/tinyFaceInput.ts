import { stretchBilinear } from "./stretchBilinear.ts";

/** face-api.js TinyFaceDetector input side and mean (tinyFaceDetector/const.ts). */
export const TINY_FACE_SIDE = 416;
const MEAN_RGB = [117.001, 114.697, 97.404];

/**
 * As face-api: pad to a square at the bottom/right with black, stretch to 416, subtract the mean,
 * divide by 255. Interleaved RGB (HWC) in, HWC float out. Runs in the detector's worker thread.
 */
export function tinyFaceInput(rgb: Uint8Array, width: number, height: number): Float32Array {
  const side = Math.max(width, height);
  const square = new Uint8Array(side * side * 3);
  for (let y = 0; y < height; y++) {
    square.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * side * 3);
  }
  const resized = stretchBilinear(square, side, side, 3, TINY_FACE_SIDE, TINY_FACE_SIDE);
  const input = new Float32Array(resized.length);
  for (let i = 0; i < resized.length; i++) input[i] = (resized[i]! - MEAN_RGB[i % 3]!) / 255;
  return input;
}
