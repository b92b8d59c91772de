import { labToRgb, rgbToLab } from "./lab.ts";

export interface LabStats {
  mean: [number, number, number];
  std: [number, number, number];
}

/** Mean and standard deviation of L, a and b over the opaque pixels of an RGBA buffer. */
export function labStats(pixels: Buffer): LabStats {
  const lab = [0, 0, 0];
  const sum = [0, 0, 0];
  const sumSq = [0, 0, 0];
  let n = 0;
  const stride = Math.max(1, Math.floor(pixels.length / 4 / 200_000)) * 4;
  for (let i = 0; i < pixels.length; i += stride) {
    if (pixels[i + 3]! < 128) continue;
    rgbToLab(pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, lab);
    for (let c = 0; c < 3; c++) {
      sum[c]! += lab[c]!;
      sumSq[c]! += lab[c]! * lab[c]!;
    }
    n++;
  }
  const mean = sum.map((s) => (n ? s / n : 0)) as [number, number, number];
  const std = sumSq.map((s, c) => (n ? Math.sqrt(Math.max(0, s / n - mean[c]! ** 2)) : 0)) as [
    number,
    number,
    number,
  ];
  return { mean, std };
}

/** Reinhard colour transfer: each Lab channel is shifted and scaled to the reference's statistics. In place. */
export function transferLabStats(pixels: Buffer, from: LabStats, to: LabStats, strength = 1): void {
  const gain = [0, 1, 2].map((c) => (from.std[c]! > 1e-6 ? to.std[c]! / from.std[c]! : 1));
  const lab = [0, 0, 0];
  for (let i = 0; i < pixels.length; i += 4) {
    rgbToLab(pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, lab);
    const out = [0, 1, 2].map((c) => {
      const moved = (lab[c]! - from.mean[c]!) * gain[c]! + to.mean[c]!;
      return lab[c]! + (moved - lab[c]!) * strength;
    });
    labToRgb(out[0]!, out[1]!, out[2]!, pixels, i);
  }
}
