import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { fixtureImages, resultsDir } from "./repoPaths.ts";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";

const screenshotDir = join(resultsDir, "web-e2e-jobs");
const password = "correct horse battery";
const stamp = Date.now();
const ada = { name: "Ada Lovelace", email: `ada-jobs-${stamp}@example.com`, password };
const grace = { name: "Grace Hopper", email: `grace-jobs-${stamp}@example.com`, password };

let server: RunningServer;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let apiA: ReturnType<typeof apiClient>;
let orgId: string;
let projectId: string;
let pageA: Page;
let pageB: Page;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  // Two people, each in their own browser context (own cookies): B is a member of A's organization.
  apiA = apiClient(server.url);
  const apiB = apiClient(server.url);
  await apiA.auth.signUp.mutate(ada);
  await apiB.auth.signUp.mutate(grace);
  orgId = (await apiA.orgs.create.mutate({ name: "Lovelace Studio" })).id;
  await apiA.orgs.addMember.mutate({ orgId, email: grace.email, role: "member" });
  projectId = (await apiA.projects.create.mutate({ orgId, name: "Cut-outs" })).id;
  contextA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contextB = await browser.newContext({ viewport: { width: 1280, height: 800 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: "disabled" });
}

async function signInAndOpenProject(context: BrowserContext, who: typeof ada): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/projects/${projectId}`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Cut-outs", level: 1 }).waitFor();
  await page.locator('[data-live="live"]').waitFor();
  await page.getByText("No jobs yet.").waitFor();
  return page;
}

/** Records, inside the page, every state a job card shows, so the test sees moments shorter than a poll. */
async function watchJobCards(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { status: string; steps: number[]; preview: boolean }[] = [];
    (window as unknown as { jobStates: typeof seen }).jobStates = seen;
    const record = () => {
      for (const card of document.querySelectorAll<HTMLElement>(".job-card")) {
        seen.push({
          status: card.dataset.status ?? "",
          steps: [...card.querySelectorAll("progress")].map((p) => (p as HTMLProgressElement).value),
          preview: card.querySelector("img.job-preview") !== null,
        });
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

describe("running pipelines from the editor, watched live by a teammate", () => {
  it("shows A's upload on B's page", async () => {
    [pageA, pageB] = await Promise.all([
      signInAndOpenProject(contextA, ada),
      signInAndOpenProject(contextB, grace),
    ]);
    await pageA.getByLabel("Choose images").setInputFiles(join(fixtureImages, "coffee.png"));
    await pageA
      .locator('.upload-row[data-filename="coffee.png"][data-phase="ready"]')
      .waitFor({ timeout: 30_000 });
    await pageB
      .locator('.asset-card[data-status="ready"]')
      .getByAltText("coffee.png")
      .waitFor({ timeout: 15_000 });
  });

  it("runs remove-background from the selection; B sees it run, preview and succeed", async () => {
    await watchJobCards(pageB);
    await pageA.getByLabel("Select coffee.png").check();
    await expect(pageA.getByText("1 selected").isVisible()).resolves.toBe(true);
    await pageA.locator("body").press("r"); // the keyboard shortcut for "Run preset…"
    const dialog = pageA.getByRole("dialog", { name: "Run a preset" });
    await dialog.waitFor();
    await dialog.getByLabel("Preset", { exact: true }).selectOption("remove-background");
    await expect(dialog.getByLabel("Model").inputValue()).resolves.toBe("medium");
    await dialog.getByLabel("Feather").fill("2");
    await shot(pageA, "1-run-preset-dialog");
    await dialog.getByRole("button", { name: "Run on 1 image" }).click();
    await dialog.waitFor({ state: "hidden" });

    const cardB = pageB.locator(".job-card").first();
    await cardB.waitFor({ timeout: 10_000 });
    await cardB.and(pageB.locator('[data-status="running"]')).waitFor({ timeout: 60_000 });
    await shot(pageB, "2-teammate-running");
    await cardB.and(pageB.locator('[data-status="succeeded"]')).waitFor({ timeout: 120_000 });
    await shot(pageB, "3-teammate-succeeded");

    const states = await pageB.evaluate(
      () =>
        (window as unknown as { jobStates: { status: string; steps: number[]; preview: boolean }[] })
          .jobStates,
    );
    expect(states.some((s) => s.status === "queued" || s.status === "running")).toBe(true);
    expect(states.some((s) => s.status === "running")).toBe(true);
    // B saw the job part-way: running with some step not yet at 100 %.
    expect(states.some((s) => s.status === "running" && s.steps.some((v) => v < 1))).toBe(true);
    expect(states.some((s) => s.status === "running" && s.preview)).toBe(true);
    await expect(cardB.locator(".job-node").textContent()).resolves.toMatch(/\S/);

    // The output is downloadable, one by one and as a ZIP.
    // Named after the input and its role, the same on the link, the file and in the ZIP.
    const link = cardB.getByRole("link", { name: "Download coffee.cutout.png" });
    await expect(link.getAttribute("download")).resolves.toBe("coffee.cutout.png");
    // The list shows a small rendition, not the full-size output.
    const thumb = cardB.getByAltText("coffee.cutout.png");
    await expect(thumb.getAttribute("src")).resolves.toMatch(/\/thumbs\/[^/?]+\.webp/);
    const href = await link.getAttribute("href");
    const res = await pageB.request.get(new URL(href!, server.url).href);
    expect(res.status()).toBe(200);
    expect((await res.body()).subarray(1, 4).toString()).toBe("PNG");
    const [download] = await Promise.all([
      pageB.waitForEvent("download"),
      cardB.getByRole("button", { name: /Download all/ }).click(),
    ]);
    const zipPath = join(screenshotDir, "outputs.zip");
    await download.saveAs(zipPath);
    const listing = execFileSync("unzip", ["-l", zipPath], { encoding: "utf8" });
    expect(listing).toContain("coffee.cutout.png");
    expect(listing).toContain("coffee.mask.png");
    expect(execFileSync("unzip", ["-t", zipPath], { encoding: "utf8" })).toContain("No errors detected");
    await pageA.locator('.job-card[data-status="succeeded"]').waitFor();
    await shot(pageA, "4-runner-succeeded");
  });

  it("cancels a long job from A's page; both pages show it cancelled", async () => {
    const assetId = await pageA.locator(".asset-card").first().getAttribute("data-asset-id");
    // No preset runs long enough to cancel by hand reliably; a diagnostic step waits for a minute.
    const job = await apiA.jobs.create.mutate({
      projectId,
      assetIds: [assetId!],
      spec: { steps: [{ step: "diagnostic", params: { ms: 60_000, ticks: 120 } }] },
    });
    const cardA = pageA.locator(`.job-card[data-job-id="${job.id}"]`);
    const cardB = pageB.locator(`.job-card[data-job-id="${job.id}"]`);
    await cardA.and(pageA.locator('[data-status="running"]')).waitFor({ timeout: 30_000 });
    await cardB.and(pageB.locator('[data-status="running"]')).waitFor({ timeout: 30_000 });
    const progress = cardB.getByLabel("Progress of step 1, diagnostic");
    await expect
      .poll(() => progress.evaluate((p: HTMLProgressElement) => p.value), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await shot(pageA, "5-long-job-running");
    await cardA.getByRole("button", { name: "Cancel job" }).click();
    await cardA.and(pageA.locator('[data-status="cancelled"]')).waitFor({ timeout: 10_000 });
    await cardB.and(pageB.locator('[data-status="cancelled"]')).waitFor({ timeout: 10_000 });
    await expect(cardA.getByRole("button", { name: "Retry job" }).isVisible()).resolves.toBe(true);
    await shot(pageB, "6-teammate-cancelled");
  });

  it("keeps every job, its state and outputs after a reload", async () => {
    await pageA.reload();
    await pageA.locator('[data-live="live"]').waitFor();
    await expect.poll(() => pageA.locator(".job-card").count()).toBe(2);
    const statuses = await pageA
      .locator(".job-card")
      .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.status));
    expect(statuses).toEqual(["cancelled", "succeeded"]);
    const done = pageA.locator('.job-card[data-status="succeeded"]');
    await expect(done.getByRole("link", { name: "Download coffee.cutout.png" }).count()).resolves.toBe(1);
    await expect
      .poll(() =>
        done.locator("img.job-preview").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBeGreaterThan(0);
    await shot(pageA, "7-after-reload");
    await pageA.locator("body").press("?");
    await pageA.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await shot(pageA, "8-shortcuts");
    await pageA.keyboard.press("Escape");
    await pageA.getByRole("button", { name: "Dark mode" }).click();
    await expect(pageA.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe("dark");
    await shot(pageA, "9-dark");
    await pageA.reload();
    await pageA.locator('[data-live="live"]').waitFor();
    await expect(pageA.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe("dark");
    await pageA.getByRole("button", { name: "Dark mode" }).click();
  });

  it("A requeues a dead letter; B sees the job come back and succeed without reloading", async () => {
    // The original goes missing while the job runs, so it fails for good and lands in the dead letters.
    const [asset] = await apiA.assets.list.query({ projectId });
    // Local storage keeps an object at the SHA-256 of its key.
    const hash = createHash("sha256").update(`orgs/${orgId}/assets/${asset!.id}/original`).digest("hex");
    const original = join(server.dataDir, "storage", "objects", hash.slice(0, 2), `${hash}.bin`);
    await rename(original, `${original}.away`);
    const job = await apiA.jobs.create.mutate({
      projectId,
      assetIds: [asset!.id],
      spec: { steps: [{ step: "resize", params: { width: 64 } }] },
    });
    const cardB = pageB.locator(`.job-card[data-job-id="${job.id}"]`);
    await cardB.and(pageB.locator('[data-status="failed"]')).waitFor({ timeout: 30_000 });
    await rename(`${original}.away`, original);

    await pageA.goto(`${server.url}/orgs/${orgId}/admin/dead-letters`);
    const letter = pageA.locator(`.dead-letter[data-job-id="${job.id}"]`);
    await letter.waitFor({ timeout: 15_000 });
    await shot(pageA, "9a-dead-letter");
    await pageB.evaluate((jobId) => {
      const seen: string[] = [];
      (window as unknown as { requeuedStates: string[] }).requeuedStates = seen;
      new MutationObserver(() => {
        const status = document.querySelector<HTMLElement>(`.job-card[data-job-id="${jobId}"]`)?.dataset
          .status;
        if (status && status !== seen.at(-1)) seen.push(status);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    }, job.id);
    await letter.getByRole("button", { name: `Requeue job ${job.id.slice(0, 8)}` }).click();
    await letter.waitFor({ state: "detached" });
    await cardB.and(pageB.locator('[data-status="succeeded"]')).waitFor({ timeout: 30_000 });
    // B saw the requeue itself (the job queued again), not only its result.
    const states = await pageB.evaluate(
      () => (window as unknown as { requeuedStates: string[] }).requeuedStates,
    );
    expect(states[0]).toBe("queued");
    await shot(pageB, "9b-teammate-sees-requeued-job-succeed");
    await pageA.goto(`${server.url}/projects/${projectId}`);
    await pageA.locator('[data-live="live"]').waitFor();
  });

  it("shows the embedded node and the queues on the admin pages, to admins only", async () => {
    await pageA
      .getByRole("navigation", { name: "Breadcrumb" })
      .getByRole("link", { name: "Lovelace Studio" })
      .click();
    await pageA.getByRole("link", { name: "Admin settings" }).click();
    const adminNav = pageA.getByRole("navigation", { name: "Admin" });
    await adminNav.getByRole("link", { name: "Nodes" }).click();
    const node = pageA.getByRole("list", { name: "Nodes" }).locator(".node-card").first();
    await node.waitFor({ timeout: 15_000 });
    await expect(node.locator(".chip").first().textContent()).resolves.toMatch(/\S/);
    await shot(pageA, "10-admin-nodes");
    await adminNav.getByRole("link", { name: "Queues" }).click();
    await pageA.getByText(/All \d+ streams are empty/).waitFor({ timeout: 10_000 });
    await pageA.getByLabel("Show empty streams").check();
    await pageA.getByRole("table", { name: "Streams" }).waitFor({ timeout: 10_000 });
    await shot(pageA, "11-admin-queues");
    await adminNav.getByRole("link", { name: "Asset formats" }).click();
    const addFormat = pageA.getByRole("form", { name: "Add format" });
    await addFormat.getByLabel("Format id").fill("billboard");
    await addFormat.getByLabel("Format name").fill("Billboard");
    await addFormat.getByLabel("Width (px)").fill("1920");
    await addFormat.getByLabel("Height (px)").fill("640");
    await addFormat.getByRole("button", { name: "Add format" }).click();
    await pageA.locator('tr[data-format-id="billboard"]', { hasText: "1920×640" }).waitFor();
    await pageA.getByRole("button", { name: "Edit Billboard" }).click();
    const editFormat = pageA.getByRole("form", { name: "Edit format" });
    await editFormat.getByLabel("Height (px)").fill("720");
    await editFormat.getByRole("button", { name: "Save format" }).click();
    await pageA.locator('tr[data-format-id="billboard"]', { hasText: "1920×720" }).waitFor();
    await shot(pageA, "12a-admin-formats");
    await pageA.getByRole("button", { name: "Delete Billboard" }).click();
    await pageA.locator('tr[data-format-id="billboard"]').waitFor({ state: "detached" });

    await adminNav.getByRole("link", { name: "Rules" }).click();
    await pageA.getByRole("button", { name: "Move Products up" }).click();
    await pageA.getByRole("button", { name: "Save rules" }).click();
    await pageA.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await pageA.reload();
    await expect
      .poll(() => pageA.locator(".priority-name").allTextContents())
      .toEqual(["Products", "Faces", "Text"]);
    await shot(pageA, "12b-admin-rules");

    await adminNav.getByRole("link", { name: "Text styles" }).click();
    await pageA.getByRole("group", { name: "Title", exact: true }).waitFor();
    await shot(pageA, "12-admin-text-styles");

    await pageB.goto(`${server.url}/orgs/${orgId}/admin/nodes`);
    await pageB.getByText("Only owners and admins of Lovelace Studio").waitFor();
    await pageB.goto(`${server.url}/orgs/${orgId}`);
    await pageB.getByRole("heading", { name: "Lovelace Studio" }).waitFor();
    await expect(pageB.getByRole("link", { name: "Admin settings" }).count()).resolves.toBe(0);
  });

  it("fits a tablet screen without sideways scrolling", async () => {
    await pageB.goto(`${server.url}/projects/${projectId}`);
    await pageB.setViewportSize({ width: 820, height: 1180 });
    await pageB.locator(".job-card").first().waitFor();
    await expect
      .poll(() => pageB.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(820);
    await shot(pageB, "13-tablet");
  });
});
