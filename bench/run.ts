/**
 * `npm run bench`: runs every benchmark in this folder one after another (they share two cores, so never
 * in parallel), prints each one's progress as it goes, and ends with one RESULT line per figure.
 * `npm run bench -- queue fanout` runs only those.
 */
import { readdirSync } from "node:fs";
import { basename } from "node:path";
import { type BenchResult, formatResult } from "./result.ts";

const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "result.ts"].includes(f) && !f.endsWith(".test.ts"))
  .filter((f) => only.length === 0 || only.includes(basename(f, ".ts")))
  .sort();

const results: BenchResult[] = [];
const failures: string[] = [];
for (const file of files) {
  const started = performance.now();
  console.error(`\n== bench/${file}`);
  try {
    const mod = (await import(`./${file}`)) as { run?: () => Promise<BenchResult[]> };
    if (!mod.run) continue;
    const figures = await mod.run();
    for (const r of figures) console.error(`   ${formatResult(r)}`);
    results.push(...figures);
  } catch (err) {
    failures.push(file);
    console.error(`   failed: ${err instanceof Error ? err.stack : String(err)}`);
  }
  console.error(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

console.log("");
for (const r of results) console.log(formatResult(r));
if (failures.length) console.log(`# failed: ${failures.join(", ")}`);
process.exit(failures.length ? 1 : 0);
