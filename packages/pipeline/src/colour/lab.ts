/** sRGB (0..255) <-> CIE Lab (D65), for colour statistics that match what people see. */

const toLinear = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  toLinear[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

const xn = 0.95047;
const zn = 1.08883;

function f(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29;
}

function fInverse(t: number): number {
  return t > 6 / 29 ? t * t * t : (108 / 841) * (t - 4 / 29);
}

export function rgbToLab(r: number, g: number, b: number, out: Float64Array | number[], offset = 0): void {
  const lr = toLinear[r]!;
  const lg = toLinear[g]!;
  const lb = toLinear[b]!;
  const x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / xn;
  const y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  const z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / zn;
  const fy = f(y);
  out[offset] = 116 * fy - 16;
  out[offset + 1] = 500 * (f(x) - fy);
  out[offset + 2] = 200 * (fy - f(z));
}

function toByte(linear: number): number {
  const c = linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055;
  return Math.min(255, Math.max(0, Math.round(c * 255)));
}

export function labToRgb(l: number, a: number, bb: number, out: Uint8Array | Buffer, offset = 0): void {
  const fy = (l + 16) / 116;
  const x = xn * fInverse(fy + a / 500);
  const y = fInverse(fy);
  const z = zn * fInverse(fy - bb / 200);
  out[offset] = toByte(3.2406 * x - 1.5372 * y - 0.4986 * z);
  out[offset + 1] = toByte(-0.9689 * x + 1.8758 * y + 0.0415 * z);
  out[offset + 2] = toByte(0.0557 * x - 0.204 * y + 1.057 * z);
}
