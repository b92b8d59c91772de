import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fixturesDir } from "@atelier/shared/testing";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { resultsDir } from "./repoPaths.ts";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";

const downloadDir = join(resultsDir, "web-e2e-export");
const password = "correct horse battery";
const ada = { name: "Ada Lovelace", email: `ada-export-${Date.now()}@example.com`, password };

let server: RunningServer;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
let projectId: string;
let page: Page;

beforeAll(async () => {
  mkdirSync(downloadDir, { recursive: true });
  buildWebIfStale();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  api = apiClient(server.url);
  await api.auth.signUp.mutate(ada);
  const org = await api.orgs.create.mutate({ name: "Lovelace Studio" });
  projectId = (await api.projects.create.mutate({ orgId: org.id, name: "Coffee launch" })).id;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("exporting an edited image from the editor", () => {
  it("crops, clicks Export, and downloads the crop at the original's full resolution", async () => {
    await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(`/projects/${projectId}`)}`);
    await page.getByLabel("Email").fill(ada.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-live="live"]').waitFor();
    await page.getByLabel("Choose images").setInputFiles(join(fixturesDir, "coffee.png")); // 600 x 400
    await page.getByRole("link", { name: "coffee.png" }).click({ timeout: 30_000 });
    await page.getByTestId("editor-stage").waitFor();
    const assetId = new URL(page.url()).pathname.split("/").at(-1)!;

    // 16:9 of a 600 px wide photo is wider than the editor's 512 px previews: a preview would be caught.
    await page.getByLabel("Aspect ratio").selectOption("x-post");
    await page.locator('.editor-toolbar [data-saving="false"]').waitFor({ timeout: 15_000 });
    const { revision, document } = await api.documents.get.query({ assetId });
    expect(revision).toBeGreaterThan(0);
    const crop = document.crop as { width: number; height: number };
    const expected = { width: Math.round(crop.width * 600), height: Math.round(crop.height * 400) };
    expect(expected.width).toBeGreaterThan(512);
    expect(expected.height).toBeLessThan(400);

    await page.getByRole("button", { name: "Export…" }).click();
    const dialog = page.getByRole("dialog", { name: "Export image" });
    await dialog.getByLabel("Format").selectOption("webp");
    await dialog.getByLabel("Quality").fill("90");
    await page.screenshot({ path: join(downloadDir, "export-dialog.png"), animations: "disabled" });
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 60_000 }),
      dialog.getByRole("button", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("coffee-edited.webp");
    const saved = join(downloadDir, download.suggestedFilename());
    await download.saveAs(saved);
    const meta = await sharp(saved).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: "webp",
      ...expected,
    });
    await dialog.waitFor({ state: "hidden" });
  }, 120_000);
});
