/**
 * Cuts the subject out of a photo on an Atelier server, printing each step's progress, and saves the
 * cutout and its mask beside the photo:
 *
 *   ATELIER_URL=http://localhost:3000 ATELIER_API_KEY=atl_… node removeBackground.js chelsea.png
 */
import { dirname } from "node:path";
import { AtelierError, createAtelier } from "@atelier/sdk";

const [photo = "chelsea.png", outDir = dirname(photo)] = process.argv.slice(2);
const atelier = createAtelier({ url: process.env.ATELIER_URL!, apiKey: process.env.ATELIER_API_KEY! });

try {
  const image = await atelier.upload(photo, {
    onProgress: (fraction) => console.log(`upload ${Math.round(fraction * 100)}%`),
  });
  const run = atelier.run("remove-background", image);
  console.log(`job ${(await run.job).id}`);
  for await (const event of run) {
    if (event.type === "job.step.started")
      console.log(`step ${event.index + 1}/${event.total} ${event.step}`);
    if (event.type === "job.progress") console.log(`${event.step} ${Math.round(event.fraction * 100)}%`);
    console.log(`event ${event.type}`);
  }
  const job = await run.result();
  for (const output of job.outputs) console.log(`saved ${await run.download(output, outDir)}`);
} catch (err) {
  // Every failure carries the server's code: NOT_FOUND, INSUFFICIENT_CREDITS, CORRUPT_IMAGE, ...
  if (!(err instanceof AtelierError)) throw err;
  console.error(`${err.code}: ${err.message}`);
  process.exitCode = 1;
} finally {
  atelier.close();
}
