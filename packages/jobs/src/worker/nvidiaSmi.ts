import { execFile } from "node:child_process";

export interface GpuMemory {
  index: number;
  totalMb: number;
  freeMb: number;
}

/** The arguments whose output `parseNvidiaSmi` reads (MiB, one line per GPU). */
export const NVIDIA_SMI_ARGS = [
  "--query-gpu=index,memory.total,memory.free",
  "--format=csv,noheader,nounits",
];

/** Reads `index, total, free` lines; lines that do not parse (e.g. "[N/A]") are left out. */
export function parseNvidiaSmi(output: string): GpuMemory[] {
  const gpus: GpuMemory[] = [];
  for (const line of output.split(/\r?\n/)) {
    const parts = line.split(",").map((p) => p.trim());
    if (parts.length < 3) continue;
    const [index, totalMb, freeMb] = parts.map((p) => Number(p));
    if ([index, totalMb, freeMb].some((n) => n === undefined || !Number.isFinite(n))) continue;
    gpus.push({ index: index!, totalMb: totalMb!, freeMb: freeMb! });
  }
  return gpus;
}

/**
 * Asks the driver for memory. Null when nvidia-smi is missing or fails (no GPU here): the
 * configured budget alone counts then. A job runs on one device, so the device with the most
 * free memory is what matters.
 */
export function probeNvidiaSmi(command = "nvidia-smi", timeoutMs = 3000): Promise<GpuMemory | null> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs }, (err, stdout) => {
      if (err) return resolve(null);
      const gpus = parseNvidiaSmi(stdout);
      resolve(gpus.reduce<GpuMemory | null>((best, g) => (!best || g.freeMb > best.freeMb ? g : best), null));
    });
  });
}
