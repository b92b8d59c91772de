import { count, eq, schema } from "@atelier/db";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

/** The same small greyscale look at two images, for comparing what people saw with what they got. */
async function look(image: Buffer): Promise<Buffer> {
  return sharp(image).resize(48, 48, { fit: "fill" }).greyscale().raw().toBuffer();
}
function meanDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/**
 * A portrait whose subject sits at the top (a cup in the top-left corner of a tall white page): a centred
 * wide crop shows white paper, the planner keeps the cup. The gallery must show what the job cuts.
 */
describe("the format gallery shows the crop a repurpose job cuts", () => {
  let app: TestApp;
  let client: TestClient;
  let projectId: string;
  let assetId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "true" } });
    client = app.client();
    ({
      project: { id: projectId },
    } = await signUpWithProject(client, "Portrait"));
    const portrait = await sharp({
      create: { width: 1200, height: 1800, channels: 3, background: "#ffffff" },
    })
      .composite([{ input: fixture("coffee.png"), left: 0, top: 0 }])
      .png()
      .toBuffer();
    ({ id: assetId } = await upload(client, projectId, "portrait.png", portrait));
  });
  afterAll(async () => {
    client.closeWs();
    await app.close();
  });

  const rendition = async (formatId: string) => {
    const r = await client.trpc.documents.render.query({ assetId, formatId, maxSize: 480 });
    return Buffer.from(r.dataUrl.split(",")[1]!, "base64");
  };

  it("plans from the stored analysis, the cup kept in a wide format, and the job cuts the same", async () => {
    const planning = await client.trpc.documents.planning.query({ assetId });
    expect(planning.analysis?.subject?.y).toBeLessThan(100);
    expect(planning.priority).toEqual(["face", "product", "text"]);

    const shown = await rendition("facebook-feed");
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      preset: "repurpose",
      params: { formats: ["facebook-feed", "instagram-story"], output: "png" },
    });
    let done = job;
    for (const end = Date.now() + 120_000; done.status !== "succeeded" && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 250));
      done = await client.trpc.jobs.get.query({ jobId: job.id });
      expect(done.status).not.toBe("failed");
    }
    const output = (id: string) => done.outputs.find((o) => o.name === id)!;
    const cut = Buffer.from(await (await fetch(output("facebook-feed").url!)).arrayBuffer());
    expect(meanDiff(await look(shown), await look(cut))).toBeLessThan(6);
    // Not white paper: the cup is in it.
    const { dominant } = await sharp(shown).stats();
    expect(dominant.r + dominant.g + dominant.b).toBeLessThan(3 * 250);

    const story = Buffer.from(await (await fetch(output("instagram-story").url!)).arrayBuffer());
    expect(meanDiff(await look(await rendition("instagram-story")), await look(story))).toBeLessThan(6);
  });

  it("keeps a format's own crop in the job too", async () => {
    const crop = { x: 0.5, y: 0.5, width: 0.5, height: ((0.5 * 1200 * 630) / (1200 * 1800)) * (1200 / 630) };
    const { revision } = await client.trpc.documents.get.query({ assetId });
    await client.trpc.documents.edit.mutate({
      assetId,
      baseRevision: revision,
      clientOpId: crypto.randomUUID(),
      ops: [{ kind: "set", path: ["formatOverrides", "facebook-feed", "crop"], value: crop }],
    });
    const shown = await rendition("facebook-feed");
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      preset: "repurpose",
      params: { formats: ["facebook-feed"], output: "png" },
    });
    let done = job;
    for (const end = Date.now() + 120_000; done.status !== "succeeded" && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 250));
      done = await client.trpc.jobs.get.query({ jobId: job.id });
      expect(done.status).not.toBe("failed");
    }
    const cut = Buffer.from(await (await fetch(done.outputs[0]!.url!)).arrayBuffer());
    expect(meanDiff(await look(shown), await look(cut))).toBeLessThan(6);
    // The bottom-right of the page is white paper, where the person put the frame.
    expect((await sharp(cut).stats()).channels[0]!.mean).toBeGreaterThan(250);
  });

  it("analysed the original once, for the gallery and both jobs", async () => {
    const [row] = await app.services.db
      .select({ n: count() })
      .from(schema.assetAnalyses)
      .where(eq(schema.assetAnalyses.assetId, assetId));
    expect(row?.n).toBe(1);
  });
});
