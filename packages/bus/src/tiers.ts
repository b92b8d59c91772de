/** VRAM tiers in GiB; 0 holds CPU-only work. A job lands in the smallest tier that holds its peak. */
export const VRAM_TIERS_GIB = [0, 2, 4, 8, 16, 24, 48, 80] as const;
export type VramTier = (typeof VRAM_TIERS_GIB)[number];

export const MAX_VRAM_MB = 80 * 1024;

export function tierForVramMb(vramMb: number): VramTier {
  for (const tier of VRAM_TIERS_GIB) {
    if (tier * 1024 >= vramMb) return tier;
  }
  throw new RangeError(`vramMb ${vramMb} exceeds the largest tier`);
}

/** Tiers whose every job fits in `freeVramMb`, largest first (big nodes take big jobs before small ones). */
export function tiersFitting(freeVramMb: number): VramTier[] {
  return VRAM_TIERS_GIB.filter((tier) => tier * 1024 <= freeVramMb).reverse();
}
