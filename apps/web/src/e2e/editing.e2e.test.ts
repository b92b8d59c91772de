import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { fixtureImages, resultsDir } from "./repoPaths.ts";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";

const screenshotDir = join(resultsDir, "web-e2e");
const password = "correct horse battery";
const stamp = Date.now();
const ada = { name: "Ada Lovelace", email: `ada-edit-${stamp}@example.com` };
const grace = { name: "Grace Hopper", email: `grace-edit-${stamp}@example.com` };

let server: RunningServer;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let pageA: Page;
let pageB: Page;
let projectId: string;
let assetId: string;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: "disabled" });
}

async function signIn(page: Page, email: string, next: string): Promise<void> {
  await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** What a page shows of the document: revision, crop frame and overlay texts. */
async function shown(page: Page) {
  const stage = page.getByTestId("editor-stage");
  return {
    revision: Number(await stage.getAttribute("data-revision")),
    crop: await page.getByRole("group", { name: "Crop frame" }).getAttribute("data-crop"),
    texts: await page.locator(".text-overlay-text").evaluateAll((els) => els.map((e) => e.textContent)),
  };
}

async function settled(page: Page): Promise<void> {
  await page.locator('.editor-toolbar [data-saving="false"]').waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  const a = apiClient(server.url);
  await a.auth.signUp.mutate({ ...ada, password });
  const b = apiClient(server.url);
  await b.auth.signUp.mutate({ ...grace, password });
  const org = await a.orgs.create.mutate({ name: "Lovelace Studio" });
  await a.orgs.addMember.mutate({ orgId: org.id, email: grace.email, role: "member" });
  projectId = (await a.projects.create.mutate({ orgId: org.id, name: "Coffee launch" })).id;
  // A laptop and a tablet: cursors and crops are in image fractions, so the two must agree anyway.
  contextA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contextB = await browser.newContext({ viewport: { width: 820, height: 1180 } });
  [pageA, pageB] = await Promise.all([contextA.newPage(), contextB.newPage()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("two people editing one asset", () => {
  it("shows an upload by one person to the other, and both open the editor", async () => {
    const projectPath = `/projects/${projectId}`;
    await Promise.all([signIn(pageA, ada.email, projectPath), signIn(pageB, grace.email, projectPath)]);
    for (const page of [pageA, pageB]) {
      await page.getByRole("heading", { name: "Coffee launch", level: 1 }).waitFor();
      await page.locator('[data-live="live"]').waitFor();
    }
    await pageA.getByLabel("Choose images").setInputFiles(join(fixtureImages, "coffee.png"));
    const link = pageB.getByRole("link", { name: "coffee.png" });
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await pageA.getByRole("link", { name: "coffee.png" }).click();
    for (const page of [pageA, pageB]) {
      await page.getByTestId("editor-stage").waitFor();
      await page.locator(".avatar[data-user-name]").first().waitFor({ timeout: 15_000 });
    }
    assetId = new URL(pageA.url()).pathname.split("/").at(-1)!;
    await expect(pageA.locator('.avatar[data-user-name="Grace Hopper"]').count()).resolves.toBe(1);
    await expect(pageB.locator('.avatar[data-user-name="Ada Lovelace"]').count()).resolves.toBe(1);
    await shot(pageA, "edit-1-opened-a");
  });

  it("keeps both people's edits when one crops while the other changes a text", async () => {
    await pageA.keyboard.press("t");
    await pageA.getByLabel("Overlay text").fill("Fresh coffee");
    await pageA.getByLabel("Overlay text").blur();
    const overlayOnB = pageB.getByRole("button", { name: "Text: Fresh coffee" });
    await overlayOnB.waitFor({ timeout: 15_000 });

    const cropA = async () => {
      const handle = pageA.locator(".crop-handle-se");
      const box = (await handle.boundingBox())!;
      await pageA.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await pageA.mouse.down();
      for (let i = 1; i <= 10; i++) await pageA.mouse.move(box.x - i * 20, box.y - i * 12);
      await pageA.mouse.up();
    };
    const textB = async () => {
      await overlayOnB.click();
      await pageB.getByLabel("Overlay text").fill("Fresh coffee, 2 €");
      await pageB.getByLabel("Overlay text").blur();
    };
    await Promise.all([cropA(), textB()]);
    await Promise.all([settled(pageA), settled(pageB)]);
    await expect
      .poll(async () => JSON.stringify(await shown(pageA)), { timeout: 10_000 })
      .toBe(JSON.stringify(await shown(pageB)));
    const state = await shown(pageA);
    expect(state.crop).not.toBe("0,0,1,1");
    expect(state.texts).toEqual(["Fresh coffee, 2 €"]);
    await shot(pageA, "edit-2-crop-and-text-a");
    await shot(pageB, "edit-2-crop-and-text-b-tablet");
  });

  it("shows each person's cursor and selection to the other, in image coordinates", async () => {
    // Grace's last edit scrolled the tablet down to the text field; she looks at the image to point at it.
    await pageB.getByTestId("editor-stage").scrollIntoViewIfNeeded();
    const stageB = (await pageB.getByTestId("editor-stage").boundingBox())!;
    await pageB.mouse.move(stageB.x + stageB.width * 0.7, stageB.y + stageB.height * 0.4);
    await pageB.mouse.move(stageB.x + stageB.width * 0.75, stageB.y + stageB.height * 0.5, { steps: 4 });
    const cursor = pageA.locator('.remote-cursor[data-user-name="Grace Hopper"]');
    await cursor.waitFor({ timeout: 10_000 });
    const stageA = (await pageA.getByTestId("editor-stage").boundingBox())!;
    await expect
      .poll(async () => {
        const c = (await cursor.boundingBox())!;
        return [(c.x - stageA.x) / stageA.width, (c.y - stageA.y) / stageA.height].map((n) => n.toFixed(2));
      })
      .toEqual(["0.75", "0.50"]);
    // Grace has the overlay selected: Ada sees it outlined in Grace's colour, with her name.
    await pageA.locator(".text-overlay.is-remote", { hasText: "Grace Hopper" }).waitFor({ timeout: 10_000 });
    await shot(pageA, "edit-3-presence-a");
  });

  it("converges when both change the same text at once, and the database holds the same", async () => {
    await pageA.getByRole("button", { name: /^Text: / }).click();
    await Promise.all([
      pageA.getByLabel("Overlay text").fill("From Ada"),
      pageB.getByLabel("Overlay text").fill("From Grace"),
    ]);
    await Promise.all([pageA.getByLabel("Overlay text").blur(), pageB.getByLabel("Overlay text").blur()]);
    await Promise.all([settled(pageA), settled(pageB)]);
    await expect
      .poll(async () => JSON.stringify(await shown(pageA)), { timeout: 10_000 })
      .toBe(JSON.stringify(await shown(pageB)));
    const state = await shown(pageA);
    expect(["From Ada", "From Grace"]).toContain(state.texts[0]);

    const third = apiClient(server.url);
    await third.auth.signIn.mutate({ email: grace.email, password });
    const stored = await third.documents.get.query({ assetId });
    expect(stored.revision).toBe(state.revision);
    const overlays = stored.document.overlays as Array<{ text: string }>;
    expect(overlays.map((o) => o.text)).toEqual(state.texts);
    const crop = stored.document.crop as { x: number; y: number; width: number; height: number };
    expect(`${crop.x},${crop.y},${crop.width},${crop.height}`).toBe(state.crop);
    await pageA.getByText("Showing the rendered result.").waitFor({ timeout: 15_000 });
    await shot(pageA, "edit-4-converged-a");
    await shot(pageB, "edit-4-converged-b-tablet");
  });

  it("adjusts, undoes and redoes from the keyboard, and compares before and after", async () => {
    await pageA.getByTestId("editor-stage").click({ position: { x: 3, y: 3 } });
    const brightness = pageA.getByLabel("Brightness");
    await brightness.focus();
    for (let i = 0; i < 10; i++) await brightness.press("ArrowRight");
    await pageA.getByLabel("Saturation").focus();
    await expect.poll(() => brightness.inputValue()).toBe("1.1");
    await settled(pageA);
    await pageA.getByTestId("editor-stage").click({ position: { x: 3, y: 3 } });
    await pageA.keyboard.press("Control+z");
    await expect.poll(() => brightness.inputValue()).toBe("1");
    await pageA.keyboard.press("Control+Shift+z");
    await expect.poll(() => brightness.inputValue()).toBe("1.1");
    await settled(pageA);
    await expect.poll(() => pageB.getByLabel("Brightness").inputValue(), { timeout: 10_000 }).toBe("1.1");
    await pageA.keyboard.press("b");
    await pageA.getByText("Before", { exact: true }).waitFor();
    await shot(pageA, "edit-5-before");
    await pageA.keyboard.press("b");
  });

  it("keeps everything after a reload, including undo of earlier edits", async () => {
    const before = await shown(pageA);
    await pageA.reload();
    await pageA.getByTestId("editor-stage").waitFor();
    await expect
      .poll(async () => JSON.stringify(await shown(pageA)), { timeout: 10_000 })
      .toBe(JSON.stringify(before));
    await expect.poll(() => pageA.getByLabel("Brightness").inputValue()).toBe("1.1");
    await expect(pageA.getByRole("button", { name: "Undo" }).isEnabled()).resolves.toBe(true);
    await pageA.getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => pageA.getByLabel("Brightness").inputValue()).toBe("1");
    await expect.poll(() => pageB.getByLabel("Brightness").inputValue(), { timeout: 10_000 }).toBe("1");
    await pageA.getByRole("button", { name: "Redo" }).click();
    await settled(pageA);
    await expect(
      pageA.getByRole("list", { name: "Edit history" }).getByText("Grace Hopper").first().isVisible(),
    ).resolves.toBe(true);
    await pageA.locator('.avatar[data-user-name="Grace Hopper"]').waitFor({ timeout: 10_000 });
    await pageA.locator('[data-preview="server"]').waitFor({ timeout: 15_000 });
    await shot(pageA, "edit-6-after-reload");
  });

  it("crops one format in the gallery without touching the others", async () => {
    await pageA.getByRole("link", { name: "Formats" }).click();
    await pageA.getByRole("list", { name: "Formats" }).waitFor();
    await pageA.getByRole("button", { name: "Adjust crop of Instagram story" }).click();
    const frame = pageA.getByRole("group", { name: "Crop frame of Instagram story" });
    const box = (await frame.boundingBox())!;
    await pageA.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await pageA.mouse.down();
    await pageA.mouse.move(box.x + box.width / 2 - 80, box.y + box.height / 2, { steps: 6 });
    await pageA.mouse.up();
    await pageA.locator('.format-card[data-format-id="instagram-story"] .format-own').waitFor();
    await expect(pageA.locator(".format-own").count()).resolves.toBe(1);
    await pageA.getByRole("button", { name: "Done" }).click();
    await pageA.locator('[role="status"]', { hasText: "All changes saved" }).waitFor();
    const third = apiClient(server.url);
    await third.auth.signIn.mutate({ email: ada.email, password });
    const stored = await third.documents.get.query({ assetId });
    expect(Object.keys(stored.document.formatOverrides as object)).toEqual(["instagram-story"]);
    await pageA.waitForTimeout(2_500);
    await shot(pageA, "edit-7-formats");
    await pageB.getByRole("link", { name: "Formats" }).click();
    await pageB.locator('.format-card[data-format-id="instagram-story"] .format-own').waitFor();
    await pageB.locator(".format-card .format-rendition").nth(9).waitFor({ timeout: 30_000 });
    await pageB.locator('.avatar[data-user-name="Ada Lovelace"]').waitFor({ timeout: 10_000 });
    await shot(pageB, "edit-7-formats-b-tablet");
  });
});
