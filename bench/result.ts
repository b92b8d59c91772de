import { pathToFileURL } from "node:url";

/** One figure of a benchmark, beside the baseline measured in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
}

export function formatResult(r: BenchResult): string {
  const ratio = r.baseline === 0 ? 0 : r.value / r.baseline;
  const round = (n: number) => Number(n.toPrecision(4));
  return `RESULT ${r.name} ${round(r.value)} ${r.unit} baseline=${round(r.baseline)} ratio=${ratio.toFixed(2)}`;
}

/** Lets a benchmark file run alone (`npx tsx bench/<file>.ts`) as well as from bench/run.ts. */
export async function runIfMain(moduleUrl: string, run: () => Promise<BenchResult[]>): Promise<void> {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? "").href) return;
  const results = await run();
  for (const r of results) console.log(formatResult(r));
  process.exit(0);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
