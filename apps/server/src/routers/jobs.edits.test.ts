import type { JobView } from "@atelier/shared";
import sharp, { type Sharp } from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

const original = fixture("coffee.png"); // 600 x 400
/** The bottom-left 200 x 200 px of the photo, as fractions, and the top-right one. */
const bottomLeft = { x: 0, y: 0.5, width: 1 / 3, height: 0.5 };
const topRight = { x: 2 / 3, y: 0, width: 1 / 3, height: 0.5 };
const side = 96;

/** RGB of an image squeezed to side x side, for comparing pictures of different sizes. */
async function thumb(image: Buffer | Sharp): Promise<Buffer> {
  const pipeline = Buffer.isBuffer(image) ? sharp(image) : image;
  const squeezed = await pipeline.resize(side, side, { fit: "fill" }).png().toBuffer();
  return sharp(squeezed).removeAlpha().raw().toBuffer();
}

function meanDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

const regionOfOriginal = (left: number, top: number, width: number, height: number) =>
  thumb(sharp(original).extract({ left, top, width, height }));

describe("jobs run on the asset as edited", () => {
  let app: TestApp;
  let client: TestClient;
  let orgId: string;
  let projectId: string;
  let assetId: string;
  let revision = 0;

  const crop = async (value: typeof bottomLeft) => {
    ({ revision } = await client.trpc.documents.edit.mutate({
      assetId,
      baseRevision: revision,
      clientOpId: `crop-${revision}-${Math.random().toString(36).slice(2)}`,
      ops: [{ kind: "set", path: ["crop"], value }],
    }));
  };

  const finished = async (jobId: string): Promise<JobView> => {
    const end = Date.now() + 90_000;
    for (;;) {
      const job = await client.trpc.jobs.get.query({ jobId });
      if (job.status === "succeeded") return job;
      if (job.status === "failed" || job.status === "cancelled") throw new Error(JSON.stringify(job.error));
      if (Date.now() > end) throw new Error(`job ${jobId} still ${job.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const onlyOutput = async (job: JobView) => {
    expect(job.outputs).toHaveLength(1);
    return Buffer.from(await (await fetch(job.outputs[0]!.url!)).arrayBuffer());
  };

  const squareRepurpose = (source?: "edited" | "original") =>
    client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      preset: "repurpose",
      params: { formats: "instagram-square", output: "png" },
      ...(source ? { source } : {}),
    });

  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "true" } });
    client = app.client();
    const { org, project } = await signUpWithProject(client, "Cropper");
    orgId = org.id;
    projectId = project.id;
    ({ id: assetId } = await upload(client, projectId, "coffee.png", original));
  });
  afterAll(() => app.close());

  it("crops, runs repurpose, and the square output is the cropped corner, not a square of the whole photo", async () => {
    await crop(bottomLeft);
    const submitted = await squareRepurpose();
    expect(submitted.inputRevisions).toEqual({ [assetId]: revision });
    const job = await finished(submitted.id);
    expect(job.inputRevisions).toEqual({ [assetId]: revision });
    const output = await onlyOutput(job);
    expect(await sharp(output).metadata()).toMatchObject({ width: 1080, height: 1080 });
    const shown = await thumb(output);
    expect(meanDiff(shown, await regionOfOriginal(0, 200, 200, 200))).toBeLessThan(6);
    // The uncropped photo's centre square is a different picture: the comparison can fail.
    expect(meanDiff(shown, await regionOfOriginal(100, 0, 400, 400))).toBeGreaterThan(15);
  }, 120_000);

  it('ignores the edits with source "original": the job sees the whole photo', async () => {
    const submitted = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      spec: { steps: [{ step: "resize", params: { width: 300 } }] },
      source: "original",
    });
    expect(submitted.inputRevisions).toEqual({ [assetId]: 0 });
    const output = await onlyOutput(await finished(submitted.id));
    expect(await sharp(output).metadata()).toMatchObject({ width: 300, height: 200 });
    expect(meanDiff(await thumb(output), await regionOfOriginal(0, 0, 600, 400))).toBeLessThan(4);
  }, 120_000);

  it("renders the revision pinned at submit, even when the asset was edited again before the job ran", async () => {
    const pinned = revision; // bottom-left crop
    await crop(topRight);
    const { job } = await app.services.lifecycle.submit({
      orgId,
      projectId,
      createdBy: null,
      assetIds: [assetId],
      spec: { steps: [{ step: "resize", params: { width: 200 } }] },
      priority: "standard",
      inputRevisions: { [assetId]: pinned },
    });
    const done = await finished(job.id);
    expect(done.inputRevisions).toEqual({ [assetId]: pinned });
    const shown = await thumb(await onlyOutput(done));
    expect(meanDiff(shown, await regionOfOriginal(0, 200, 200, 200))).toBeLessThan(6);
    expect(meanDiff(shown, await regionOfOriginal(400, 0, 200, 200))).toBeGreaterThan(15);
  }, 120_000);

  it("extends repurpose's canvas with the organization's saved fill when the run names none", async () => {
    // A subject as wide as the photo cannot fit a story's window, so the canvas is extended above and below.
    const storyOf = async () => {
      const submitted = await client.trpc.jobs.create.mutate({
        projectId,
        assetIds: [assetId],
        source: "original",
        spec: {
          steps: [
            {
              step: "repurpose",
              params: {
                formats: ["instagram-story"],
                output: "png",
                analysis: {
                  width: 600,
                  height: 400,
                  subject: { x: 0, y: 0, width: 600, height: 400 },
                  faces: [],
                  texts: [],
                  colours: [],
                },
              },
            },
          ],
        },
      });
      const story = await onlyOutput(await finished(submitted.id));
      const pixel = await sharp(story).extract({ left: 540, top: 5, width: 1, height: 1 }).raw().toBuffer();
      return [...pixel.subarray(0, 3)];
    };
    const rules = await client.trpc.settings.rules.query({ orgId });
    await client.trpc.settings.saveRules.mutate({ orgId, ...rules, canvasFill: "solid" });
    expect(await storyOf()).toEqual([255, 255, 255]);
    await client.trpc.settings.saveRules.mutate({ orgId, ...rules, canvasFill: "blur" });
    expect(await storyOf()).not.toEqual([255, 255, 255]);
  }, 120_000);
});
