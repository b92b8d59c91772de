import { isInputErrorCode } from "@atelier/shared";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, signUpWithProject, upload } from "../testing/fixtures.ts";
import { startTestApp, type TestApp, type TestClient } from "../testing/testApp.ts";

/** What a newcomer met: errors before work, not after; outputs named after their input; small thumbnails. */
describe("jobs.create checks a job before it is queued", () => {
  let app: TestApp;
  let client: TestClient;
  let orgId: string;
  let projectId: string;
  let assetId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { ATELIER_EMBEDDED_WORKER: "true" } });
    client = app.client();
    ({
      org: { id: orgId },
      project: { id: projectId },
    } = await signUpWithProject(client, "Newcomer"));
    ({ id: assetId } = await upload(client, projectId, "coffee.png", fixture("coffee.png")));
  });
  afterAll(async () => {
    client.closeWs();
    await app.close();
  });

  const jobCount = async () => (await client.trpc.jobs.list.query({ projectId })).length;
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error("accepted");
      },
      (err: { message: string; data?: { appCode?: string } }) => ({
        code: err.data?.appCode,
        message: err.message,
      }),
    );

  it("refuses format names the organization does not have, listing the ones it does", async () => {
    const before = await jobCount();
    const refused = await refusal(
      client.trpc.jobs.create.mutate({
        projectId,
        assetIds: [assetId],
        preset: "repurpose",
        params: { formats: "instagram, tiktok" },
      }),
    );
    expect(refused.code).toBe("VALIDATION_ERROR");
    expect(refused.message).toMatch(
      /^repurpose: Unknown format "instagram"; choose from instagram-square, .*tiktok-cover\.$/,
    );
    expect(await jobCount()).toBe(before);

    await client.trpc.settings.saveFormat.mutate({
      orgId,
      slug: "shop-banner",
      label: "Shop banner",
      width: 1500,
      height: 500,
    });
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      preset: "repurpose",
      params: { formats: "shop-banner" },
    });
    expect(job.status).toBe("queued");
  });

  it("refuses text styles the organization does not have", async () => {
    const spec = (styleSet: string) => ({
      steps: [{ step: "text-overlay", params: { texts: [{ text: "Sale", styleSet }] } }],
    });
    const refused = await refusal(
      client.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], spec: spec("headline") }),
    );
    expect(refused).toEqual({
      code: "VALIDATION_ERROR",
      message: expect.stringMatching(
        /^text-overlay: Unknown text style "headline"; choose from title, subtitle, body/,
      ),
    });
    await client.trpc.settings.saveTextStyles.mutate({
      orgId,
      name: "Brand",
      styles: { title: {}, subtitle: {}, body: {} },
    });
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      spec: spec("Brand/title"),
    });
    expect(job.status).toBe("queued");
  });

  it("refuses a preset whose step cannot run here, and the catalogue says so and why", async () => {
    const refused = await refusal(
      client.trpc.jobs.create.mutate({ projectId, assetIds: [assetId], preset: "staging", params: {} }),
    );
    expect(refused.code).toBe("STEP_UNAVAILABLE");
    expect(refused.message).toMatch(/not available: No Replicate API token/);
    const presets = await client.trpc.catalogue.presets.query();
    expect(presets.find((p) => p.name === "staging")?.availability).toEqual({
      available: false,
      reason: expect.stringMatching(/No Replicate API token/),
    });
    expect(presets.find((p) => p.name === "remove-background")?.availability).toEqual({ available: true });
  });

  it("names outputs after their input and role, with a small thumbnail of each image", async () => {
    const job = await client.trpc.jobs.create.mutate({
      projectId,
      assetIds: [assetId],
      preset: "repurpose",
      params: { formats: "instagram-story,x-post", output: "jpeg" },
    });
    let done = job;
    for (const end = Date.now() + 90_000; done.status !== "succeeded" && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 200));
      done = await client.trpc.jobs.get.query({ jobId: job.id });
    }
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    expect(done.outputs.map((o) => o.fileName)).toEqual(["coffee.instagram-story.jpg", "coffee.x-post.jpg"]);
    const story = done.outputs[0]!;
    expect([story.width, story.height]).toEqual([1080, 1920]);
    const download = await fetch(story.url!);
    expect(download.headers.get("content-disposition")).toContain('filename="coffee.instagram-story.jpg"');
    const thumb = await sharp(Buffer.from(await (await fetch(story.thumbnailUrl!)).arrayBuffer())).metadata();
    expect([thumb.format, Math.max(thumb.width, thumb.height)]).toEqual(["webp", 320]);
  });

  it("says which field is wrong only when the message does not already say it", async () => {
    const refused = await refusal(
      client.trpc.settings.saveFormat.mutate({
        orgId,
        slug: "Shop Banner",
        label: "Shop banner",
        width: 1500,
        height: 500,
      }),
    );
    expect(refused.message).toBe("Use lower-case letters, digits and dashes for the format id.");
    expect(isInputErrorCode("VALIDATION_ERROR")).toBe(true);
  });
});
