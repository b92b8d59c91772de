import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { resultsDir } from "./repoPaths.ts";

/**
 * A newcomer's first hour, as issue 13 found it, tried again: two people (an owner, and a member later
 * made viewer) in Chromium side by side. Every picture a person would look at is saved.
 */
const screenshotDir = join(resultsDir, "web-e2e-newcomer");
const password = "correct horse battery";
const stamp = Date.now();
const ada = { name: "Ada Lovelace", email: `ada-new-${stamp}@example.com`, password };
const grace = { name: "Grace Hopper", email: `grace-new-${stamp}@example.com`, password };

let server: RunningServer;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let pageA: Page;
let pageB: Page;
let orgId: string;
let projectId: string;
let portraitPath: string;
let brokenPath: string;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: "disabled" });
}

async function signIn(page: Page, who: typeof ada, next = "/"): Promise<void> {
  await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  // A portrait whose subject is at the top (a dark disc on a tall light page): a centred wide crop
  // would show empty paper, the planner keeps the disc. And a JPEG whose data stops early.
  portraitPath = join(screenshotDir, "astronaut.png");
  const disc = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><circle cx="200" cy="200" r="170" fill="#233"/></svg>',
  );
  await sharp({ create: { width: 800, height: 1200, channels: 3, background: "#f2efe8" } })
    .composite([{ input: disc, left: 200, top: 20 }])
    .png()
    .toFile(portraitPath);
  const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#c33" } })
    .jpeg()
    .toBuffer();
  brokenPath = join(screenshotDir, "broken.jpg");
  writeFileSync(brokenPath, jpeg.subarray(0, Math.floor(jpeg.length / 2)));

  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  const a = apiClient(server.url);
  await a.auth.signUp.mutate(ada);
  orgId = (await a.orgs.create.mutate({ name: "Lovelace Studio" })).id;
  projectId = (await a.projects.create.mutate({ orgId, name: "Moon shots" })).id;
  contextA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contextB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  [pageA, pageB] = await Promise.all([contextA.newPage(), contextB.newPage()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a newcomer's first hour, again", () => {
  it("says what a password needs once, not twice", async () => {
    await pageB.goto(`${server.url}/sign-up`);
    await pageB.getByLabel("Name").fill(grace.name);
    await pageB.getByLabel("Email").fill(grace.email);
    await pageB.getByLabel("Password").fill("short");
    await pageB.getByRole("button", { name: "Create account" }).click();
    await pageB.getByText("Use at least 10 characters for the password.").waitFor();
    await expect(pageB.getByText("At least 10 characters.").count()).resolves.toBe(0);
    await shot(pageB, "01-password-said-once");
    await pageB.getByLabel("Password").fill(grace.password);
    await pageB.getByRole("button", { name: "Create account" }).click();
    await pageB.getByRole("heading", { name: "Welcome to Atelier" }).waitFor();
  });

  it("tells Grace at once, without a reload, that Ada added her to the organization", async () => {
    await signIn(pageA, ada, `/orgs/${orgId}`);
    await pageA.getByLabel("Email of the person to add").fill(grace.email);
    await pageA.getByLabel("Role", { exact: true }).selectOption("member");
    await pageA.getByRole("button", { name: "Add member" }).click();
    const notice = pageB.getByRole("status").filter({ hasText: "Ada Lovelace added you to Lovelace Studio" });
    await notice.waitFor({ timeout: 15_000 });
    await shot(pageB, "02-added-live");
    await notice.getByRole("link", { name: "Open" }).click();
    await pageB.getByRole("link", { name: /Moon shots/ }).click();
    await pageB.getByRole("heading", { name: "Moon shots", level: 1 }).waitFor();
    await pageB.locator('[data-live="live"]').waitFor();
  });

  it("lets a rejected upload be deleted, with undo for a few seconds", async () => {
    await pageA.goto(`${server.url}/projects/${projectId}`);
    await pageA.locator('[data-live="live"]').waitFor();
    await pageA.getByLabel("Choose images").setInputFiles([brokenPath, portraitPath]);
    const rejected = pageA.locator('.upload-row[data-filename="broken.jpg"][data-phase="rejected"]');
    await rejected.waitFor({ timeout: 30_000 });
    // A rejected upload does not show a full progress bar, as if it had worked.
    await expect(rejected.locator("progress").count()).resolves.toBe(0);
    await pageA.locator('.asset-card[data-status="ready"]').waitFor({ timeout: 30_000 });
    const heading = pageA.getByRole("heading", { name: /^Assets/ });
    await expect.poll(() => heading.textContent()).toBe("Assets (2)");
    await pageB.locator('.asset-card[data-status="rejected"]').waitFor();
    // Grace did not upload it: a member deletes only their own.
    await expect(pageB.getByRole("button", { name: "Delete broken.jpg" }).count()).resolves.toBe(0);
    await shot(pageA, "03-rejected-upload");

    await pageA.getByRole("button", { name: "Delete broken.jpg" }).click();
    const toast = pageA.locator(".undo-toast");
    await toast.getByText("Deleted broken.jpg").waitFor();
    await expect.poll(() => heading.textContent()).toBe("Assets (1)");
    await expect.poll(() => pageB.locator('.asset-card[data-status="rejected"]').count()).toBe(0);
    await shot(pageA, "04-deleted-with-undo");
    await toast.getByRole("button", { name: /Undo/ }).click();
    await expect.poll(() => heading.textContent()).toBe("Assets (2)");
    await pageB.locator('.asset-card[data-status="rejected"]').waitFor();

    await pageA.getByRole("button", { name: "Delete broken.jpg" }).click();
    await toast.getByText("Deleted broken.jpg").waitFor();
    await expect.poll(() => heading.textContent()).toBe("Assets (1)");
    // Past the undo window the toast goes, and the image stays gone after a reload.
    await toast.waitFor({ state: "detached", timeout: 20_000 });
    await pageA.reload();
    await pageA.locator('[data-live="live"]').waitFor();
    await expect.poll(() => heading.textContent()).toBe("Assets (1)");
  });

  it("offers only presets that can run here, says why not, and picks formats from a list", async () => {
    await pageA.getByLabel("Select astronaut.png").check();
    await pageA.locator("body").press("r");
    const dialog = pageA.getByRole("dialog", { name: "Run a preset" });
    await dialog.waitFor();
    const preset = dialog.getByLabel("Preset", { exact: true });
    await expect(preset.locator('option[value="staging"]').isDisabled()).resolves.toBe(true);
    await dialog.getByText(/staging cannot run here: No Replicate API token/).waitFor();
    await preset.selectOption("repurpose");
    await dialog.getByRole("checkbox", { name: /Instagram square/ }).check();
    await dialog.getByRole("checkbox", { name: /Facebook feed/ }).check();
    await shot(pageA, "05-run-dialog");
    await dialog.getByRole("button", { name: "Run on 1 image" }).click();
    await dialog.waitFor({ state: "hidden" });

    const card = pageA.locator(".job-card").first();
    await card.and(pageA.locator('[data-status="running"]')).waitFor({ timeout: 60_000 });
    // While it runs: when it started, how long so far, and (once a step reported) the time left.
    await card.getByText(/^Started /).waitFor();
    await card.locator(".job-duration").waitFor();
    await card.locator(".job-left").waitFor({ timeout: 30_000 });
    await shot(pageA, "06-job-running-with-eta");
    await card.and(pageA.locator('[data-status="succeeded"]')).waitFor({ timeout: 180_000 });
    await card.getByText(/took \d/).waitFor();
    for (const name of ["astronaut.instagram-square.jpg", "astronaut.facebook-feed.jpg"]) {
      await expect(
        card.getByRole("link", { name: `Download ${name}` }).getAttribute("download"),
      ).resolves.toBe(name);
      await expect(card.getByAltText(name).getAttribute("src")).resolves.toMatch(/\/thumbs\//);
    }
    await shot(pageA, "07-outputs-named-after-input");
  });

  it("shows in the format gallery the crop the job cut, from the same analysis", async () => {
    await pageA.getByRole("link", { name: "astronaut.png" }).click();
    await pageA.locator('.editor-toolbar [data-saving="false"]').waitFor({ timeout: 30_000 });
    await pageA.getByRole("link", { name: "Formats", exact: true }).click();
    await pageA.locator('.format-layout[data-planned="true"]').waitFor({ timeout: 60_000 });
    await pageA.getByRole("button", { name: "Adjust crop of Facebook feed" }).click();
    const frame = pageA.getByRole("group", { name: "Crop frame of Facebook feed" });
    const [, y, , height] = (await frame.getAttribute("data-crop"))!.split(",").map(Number) as number[];
    // The disc spans 40..380 px of 1200: the frame keeps it, where a centred one would start at 0.39.
    expect(y!).toBeLessThan(40 / 1200);
    expect(y! + height!).toBeGreaterThan(380 / 1200);
    await shot(pageA, "08-format-gallery-planned-crop");
    await pageA.getByRole("button", { name: "Done" }).click();
  });

  it("keeps a new text a placeholder until written, and puts two people's texts apart", async () => {
    const assetPath = new URL(pageA.url()).pathname.replace(/\/formats$/, "");
    await Promise.all([pageA.goto(`${server.url}${assetPath}`), pageB.goto(`${server.url}${assetPath}`)]);
    // The editor is there once its stage shows the document.
    for (const page of [pageA, pageB]) await page.getByTestId("editor-stage").waitFor({ timeout: 30_000 });
    await Promise.all([pageA.locator("body").press("t"), pageB.locator("body").press("t")]);
    for (const page of [pageA, pageB]) {
      const field = page.getByLabel("Overlay text");
      await expect(field.inputValue()).resolves.toBe("");
      await expect(field.getAttribute("placeholder")).resolves.toBe("Your text");
    }
    // Nothing was written yet: neither sees the other's placeholder.
    await expect(pageA.locator(".text-overlay").count()).resolves.toBe(1);
    await shot(pageA, "09-placeholder-stays-placeholder");
    await Promise.all([
      pageA.getByLabel("Overlay text").fill("Moon sale"),
      pageB.getByLabel("Overlay text").fill("Launch day"),
    ]);
    await Promise.all([pageA.getByLabel("Overlay text").blur(), pageB.getByLabel("Overlay text").blur()]);
    for (const page of [pageA, pageB]) {
      await page.getByRole("button", { name: "Text: Moon sale" }).waitFor();
      await page.getByRole("button", { name: "Text: Launch day" }).waitFor();
    }
    // Their words never share a line, on either page.
    for (const page of [pageA, pageB]) {
      await expect
        .poll(async () => {
          const a = (await page.locator(".text-overlay-text", { hasText: "Moon sale" }).boundingBox())!;
          const b = (await page.locator(".text-overlay-text", { hasText: "Launch day" }).boundingBox())!;
          return a.y + a.height <= b.y || b.y + b.height <= a.y;
        })
        .toBe(true);
    }
    await pageA.getByRole("button", { name: "Text: Moon sale" }).click();
    await pageA.getByTestId("overlay-last-change").getByText("Last changed by you").waitFor();
    await shot(pageA, "10-two-texts-apart");
  });

  it("lists one crop drag as one history entry, in words, and an undo as an undo", async () => {
    const handle = pageA.locator(".crop-handle-se");
    const box = (await handle.boundingBox())!;
    await pageA.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await pageA.mouse.down();
    for (let i = 1; i <= 12; i++) {
      await pageA.mouse.move(box.x - i * 15, box.y - i * 20);
      await pageA.waitForTimeout(40);
    }
    await pageA.mouse.up();
    await pageA.locator('.editor-toolbar [data-saving="false"]').waitFor();
    const history = pageA.getByRole("list", { name: "Edit history" });
    await history.getByText("Cropped the image").waitFor();
    await expect(history.getByText("Cropped the image").count()).resolves.toBe(1);
    await pageA.getByRole("button", { name: "Undo" }).click();
    await history.locator('[data-kind="undo"]', { hasText: "Undid: cropped the image" }).waitFor();
    await shot(pageA, "11-editor-after-undo");
    await history.screenshot({ path: join(screenshotDir, "11-history-in-words.png") });
  });

  it("gives a member made viewer read-only controls at once, and never claims a refused save", async () => {
    const members = await apiClient(server.url);
    await members.auth.signIn.mutate({ email: ada.email, password });
    const graceId = (await members.orgs.members.query({ orgId })).find((m) => m.name === grace.name)!.userId;
    await members.orgs.setRole.mutate({ orgId, userId: graceId, role: "viewer" });
    await pageB.getByRole("status").filter({ hasText: "made you viewer in Lovelace Studio" }).waitFor();
    await pageB.getByText("View only").waitFor();
    await shot(pageB, "debug-viewer");
    console.log(
      await pageB.getByRole("button", { name: "Undo" }).evaluateAll((els) => els.map((e) => e.outerHTML)),
    );
    await expect(pageB.getByRole("button", { name: "Undo" }).count()).resolves.toBe(0);
    await expect(pageB.getByRole("button", { name: "Add text" }).isDisabled()).resolves.toBe(true);
    await expect(pageB.getByLabel("Brightness").isDisabled()).resolves.toBe(true);
    await expect(pageB.locator(".crop-handle").count()).resolves.toBe(0);
    // T adds no text, and the selected text's field cannot be typed in.
    await pageB.keyboard.press("t");
    await expect(pageB.locator(".text-overlay").count()).resolves.toBe(2);
    await expect(pageB.getByLabel("Overlay text").isDisabled()).resolves.toBe(true);
    await expect(pageB.getByText("All changes saved").count()).resolves.toBe(0);
    await shot(pageB, "12-viewer-read-only");
  });

  it("says whether dark mode is on, and keeps checkboxes readable in it", async () => {
    await pageA.goto(`${server.url}/projects/${projectId}`);
    await pageA.locator('[data-live="live"]').waitFor();
    const toggle = pageA.getByRole("button", { name: "Dark mode" });
    await expect(toggle.textContent()).resolves.toContain("Dark mode: off");
    await toggle.click();
    await expect(toggle.textContent()).resolves.toContain("Dark mode: on");
    // An unticked box sits on a badge of the dark theme, not on a white one (a dark square on white
    // looked like a stop button).
    const checkbox = pageA.getByLabel("Select astronaut.png");
    await checkbox.uncheck();
    const badge = await pageA
      .locator(".asset-select")
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = (badge.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number];
    expect(r + g + b).toBeLessThan(3 * 100);
    await shot(pageA, "13-dark-mode-unticked");
    await checkbox.check();
    // A ticked box has a visible tick: its colours differ from the box's fill.
    const look = await checkbox.screenshot();
    const { channels } = await sharp(look).stats();
    expect(Math.max(...channels.slice(0, 3).map((c) => c.max - c.min))).toBeGreaterThan(100);
    await shot(pageA, "14-dark-mode-ticked");
    await toggle.click();
  });
});
