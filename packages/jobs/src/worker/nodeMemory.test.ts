import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../timing.ts";
import { Capacity } from "./capacity.ts";
import { parseNvidiaSmi, probeNvidiaSmi } from "./nvidiaSmi.ts";

// Captured from `nvidia-smi --query-gpu=index,memory.total,memory.free --format=csv,noheader,nounits`
// on a two-GPU machine (an RTX 4090 busy with another process, an idle A10).
const sample = "0, 24564, 3120\n1, 23028, 22515\n";

describe("node memory", () => {
  it("reads nvidia-smi's per-GPU lines and skips what does not parse", () => {
    expect(parseNvidiaSmi(sample)).toEqual([
      { index: 0, totalMb: 24564, freeMb: 3120 },
      { index: 1, totalMb: 23028, freeMb: 22515 },
    ]);
    expect(parseNvidiaSmi("0, [N/A], [N/A]\n\n")).toEqual([]);
  });

  it("treats a missing nvidia-smi as no driver", async () => {
    expect(await probeNvidiaSmi("/nonexistent/nvidia-smi")).toBeNull();
  });

  it("frees the smaller of driver and budget, less reservations; RAM bounds how many jobs run", () => {
    const capacity = new Capacity({ vramBudgetMb: 16_384, memoryBudgetMb: 3000, jobMemoryMb: 1000 });
    expect(capacity.freeVramMb).toBe(16_384);
    capacity.setDriverMemory({ totalMb: 24_564, freeMb: 10_000 });
    expect(capacity.freeVramMb).toBe(10_000);
    expect(capacity.totalVramMb).toBe(16_384);
    capacity.reserve("a", 8192);
    expect(capacity.freeVramMb).toBe(8192);
    expect(capacity.memorySlots).toBe(2);
    capacity.reserve("b", 0);
    capacity.reserve("c", 0);
    expect(capacity.memorySlots).toBe(0);
    expect(capacity.fits(0)).toBe(false);
    capacity.release("a");
    expect(capacity.reservedVramMb).toBe(0);
    expect(capacity.memorySlots).toBe(1);
  });

  it("on a CPU-only node, takes what models declare out of RAM beside each job's working memory", () => {
    const capacity = new Capacity({ vramBudgetMb: 0, memoryBudgetMb: 4096, jobMemoryMb: 1024 });
    expect(capacity.cpuOnly).toBe(true);
    expect(capacity.freeModelMemoryMb).toBe(3072);
    expect(capacity.fits(1200)).toBe(true);
    capacity.reserve("cutout", 1200);
    expect(capacity.freeModelMemoryMb).toBe(848);
    expect(capacity.fits(1200)).toBe(false);
    expect(capacity.fits(0)).toBe(true);
    expect(capacity.memorySlots).toBe(1);
    capacity.setDriverMemory({ totalMb: 8192, freeMb: 8192 });
    expect(capacity.cpuOnly).toBe(false);
    expect(capacity.freeModelMemoryMb).toBe(0);
  });

  it("backs off exponentially with full jitter under a cap", () => {
    expect(backoffDelayMs(1, 1000, 60_000, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, 1000, 60_000, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(20, 1000, 60_000, () => 0.5)).toBe(30_000);
    expect(backoffDelayMs(2, 1000, 60_000, () => 0)).toBe(0);
  });
});
