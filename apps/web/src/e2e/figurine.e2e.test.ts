import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { meshFacts, readStl } from "@atelier/pipeline/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { fixtureImages, resultsDir } from "./repoPaths.ts";

const screenshotDir = join(resultsDir, "web-e2e-figurine");
const stamp = Date.now();
const ada = {
  name: "Ada Lovelace",
  email: `ada-figurine-${stamp}@example.com`,
  password: "correct horse battery",
};

let server: RunningServer;
let browser: Browser;
let page: Page;
let projectId: string;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  [server, browser] = await Promise.all([startServer(), launchChromium({ webgl: true })]);
  api = apiClient(server.url);
  await api.auth.signUp.mutate(ada);
  const orgId = (await api.orgs.create.mutate({ name: "Figurine Studio" })).id;
  projectId = (await api.projects.create.mutate({ orgId, name: "Figurines" })).id;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a printable figurine from the editor", () => {
  it("runs figurine on a photo, shows the model in the 3D viewer with its print report, and downloads the STL", async () => {
    await page.goto(`${server.url}/projects/${projectId}`);
    await page.getByLabel("Email").fill(ada.email);
    await page.getByLabel("Password").fill(ada.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-live="live"]').waitFor();
    await page.getByLabel("Choose images").setInputFiles(join(fixtureImages, "coffee.png"));
    const card = page.locator('.asset-card[data-status="ready"]');
    await card.waitFor({ timeout: 60_000 });
    const assetId = await card.getAttribute("data-asset-id");
    const job = await api.jobs.create.mutate({
      projectId,
      assetIds: [assetId!],
      preset: "figurine",
      params: { heightMm: 80, name: "Espresso" },
    });

    const jobCard = page.locator(`.job-card[data-job-id="${job.id}"]`);
    await jobCard.and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 240_000 });
    const viewer = jobCard.locator('.model-viewer[data-state="ready"]');
    await viewer.waitFor({ timeout: 60_000 });
    // The canvas really drew the model: some pixels differ from the plain background.
    const drawn = await viewer.locator("canvas").evaluate((canvas: HTMLCanvasElement) => {
      const probe = document.createElement("canvas");
      probe.width = canvas.width;
      probe.height = canvas.height;
      const ctx = probe.getContext("2d")!;
      ctx.drawImage(canvas, 0, 0);
      const { data } = ctx.getImageData(0, 0, probe.width, probe.height);
      let differing = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - 0xf3) + Math.abs(data[i + 1]! - 0xf1) + Math.abs(data[i + 2]! - 0xed) > 30)
          differing++;
      }
      return differing / (data.length / 4);
    });
    expect(drawn).toBeGreaterThan(0.05);
    await jobCard
      .getByRole("region", { name: "Print report" })
      .getByText(/Ready to print|Needs attention/)
      .waitFor();
    await jobCard.scrollIntoViewIfNeeded();
    await viewer.screenshot({ path: join(screenshotDir, "1-viewer.png") });
    await page.screenshot({ path: join(screenshotDir, "2-job-card.png"), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      jobCard.getByRole("link", { name: "Download coffee.figurine.stl" }).click(),
    ]);
    const stlPath = join(screenshotDir, "figurine.stl");
    await download.saveAs(stlPath);
    const facts = meshFacts(readStl(await readFile(stlPath)));
    expect(facts.badEdges).toBe(0);
    expect(facts.volume).toBeGreaterThan(0);
    expect(Math.abs(facts.size[2] - 80)).toBeLessThan(0.8);
  }, 360_000);
});
