/** Memory one running job holds, reserved at claim and released at its end. */
export interface Reservation {
  vramMb: number;
  memoryMb: number;
}

export interface CapacityOptions {
  /** What this node may give to jobs on its accelerator, in MiB (0: CPU only). */
  vramBudgetMb: number;
  /** What this node may give to jobs in RAM, in MiB. */
  memoryBudgetMb: number;
  /** RAM a job is expected to hold while it runs (decoded images, CPU sessions), in MiB. */
  jobMemoryMb: number;
}

/**
 * The node's bookkeeping of memory: concurrency follows from what fits, not from a slot count.
 * Free VRAM is the smaller of the driver's figure and the budget, less the reservations.
 * A CPU-only node (no VRAM budget, no driver) runs models in RAM: what a step declares as
 * `vramMb` then comes out of the RAM budget, beside each job's working memory.
 */
export class Capacity {
  private readonly reservations = new Map<string, Reservation>();
  private driverFreeMb: number | null = null;
  private driverTotalMb: number | null = null;

  constructor(private readonly options: CapacityOptions) {}

  /** The driver's view (nvidia-smi), which already counts this node's running jobs. */
  setDriverMemory(memory: { totalMb: number; freeMb: number } | null): void {
    this.driverFreeMb = memory?.freeMb ?? null;
    this.driverTotalMb = memory?.totalMb ?? null;
  }

  get totalVramMb(): number {
    return Math.min(this.options.vramBudgetMb, this.driverTotalMb ?? Number.POSITIVE_INFINITY);
  }

  get reservedVramMb(): number {
    let sum = 0;
    for (const r of this.reservations.values()) sum += r.vramMb;
    return sum;
  }

  get reservedMemoryMb(): number {
    let sum = 0;
    for (const r of this.reservations.values()) sum += r.memoryMb;
    return sum;
  }

  /** No accelerator: models load into RAM. */
  get cpuOnly(): boolean {
    return this.options.vramBudgetMb === 0 && this.driverTotalMb === null;
  }

  /** What a job may claim for its models: VRAM, or on a CPU-only node the RAM one more job leaves. */
  get freeModelMemoryMb(): number {
    if (!this.cpuOnly) return this.freeVramMb;
    const free =
      this.options.memoryBudgetMb - this.reservedMemoryMb - this.reservedVramMb - this.options.jobMemoryMb;
    return Math.max(0, Math.floor(free));
  }

  get freeVramMb(): number {
    const budgetFree = this.options.vramBudgetMb - this.reservedVramMb;
    // The driver's free figure already excludes what running jobs hold; the budget's does not.
    const driverFree = this.driverFreeMb ?? Number.POSITIVE_INFINITY;
    return Math.max(0, Math.floor(Math.min(budgetFree, driverFree)));
  }

  /** How many more jobs RAM allows (each needs `jobMemoryMb`). */
  get memorySlots(): number {
    const modelsInRam = this.cpuOnly ? this.reservedVramMb : 0;
    const free = this.options.memoryBudgetMb - this.reservedMemoryMb - modelsInRam;
    return Math.max(0, Math.floor(free / Math.max(1, this.options.jobMemoryMb)));
  }

  fits(vramMb: number): boolean {
    return this.memorySlots > 0 && vramMb <= this.freeModelMemoryMb;
  }

  reserve(key: string, vramMb: number): void {
    this.reservations.set(key, { vramMb, memoryMb: this.options.jobMemoryMb });
  }

  release(key: string): void {
    this.reservations.delete(key);
  }
}
