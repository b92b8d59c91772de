import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { fixtureImages, resultsDir } from "./repoPaths.ts";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";
import { startTcpProxy } from "./tcpProxy.ts";
import { freePort } from "@atelier/shared/testing";

const screenshotDir = join(resultsDir, "web-e2e");
const account = {
  name: "Ada Lovelace",
  email: `ada-${Date.now()}@example.com`,
  password: "correct horse battery",
};

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
/** The port of the proxy that cuts a page's connection; its origin is one the server allows. */
let proxyPort: number;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  proxyPort = await freePort();
  [server, browser] = await Promise.all([
    startServer({ env: { ATELIER_ALLOWED_ORIGINS: `http://127.0.0.1:${proxyPort}` } }),
    launchChromium(),
  ]);
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true, animations: "disabled" });
}

describe("uploading into a project in the editor", () => {
  let pageA: Page;
  let pageB: Page;
  let projectUrl: string;

  it("signs up, creates an organization and a project, and opens it", async () => {
    pageA = await context.newPage();
    await pageA.goto(`${server.url}/`);
    await pageA.getByRole("heading", { name: "Sign in" }).waitFor();
    await pageA.getByRole("link", { name: "Create an account" }).click();

    await pageA.getByLabel("Name").fill(account.name);
    await pageA.getByLabel("Email").fill(account.email);
    await pageA.getByLabel("Password").fill("short");
    await pageA.getByRole("button", { name: "Create account" }).click();
    await expect(pageA.getByText("Use at least 10 characters for the password.").isVisible()).resolves.toBe(
      true,
    );
    await pageA.getByLabel("Password").fill(account.password);
    await pageA.getByRole("button", { name: "Create account" }).click();

    await pageA.getByRole("heading", { name: "Welcome to Atelier" }).waitFor();
    await pageA.getByLabel("Organization name").fill("Lovelace Studio");
    await pageA.getByRole("button", { name: "Create organization" }).click();

    await pageA.getByRole("heading", { name: "Lovelace Studio" }).waitFor();
    await pageA.getByLabel("Project name").fill("Spring campaign");
    await pageA.getByRole("button", { name: "Create project" }).click();
    await shot(pageA, "1-organization");
    await pageA.getByRole("link", { name: /Spring campaign/ }).click();

    await pageA.getByRole("heading", { name: "Spring campaign", level: 1 }).waitFor();
    await pageA.locator('[data-live="live"]').waitFor();
    projectUrl = pageA.url();
    expect(projectUrl).toMatch(/\/projects\/[0-9a-f-]{36}$/);
  });

  it("shows an upload ready on the uploader's page and live on a second page of the same project", async () => {
    pageB = await context.newPage();
    await pageB.goto(projectUrl);
    await pageB.getByRole("heading", { name: "Spring campaign", level: 1 }).waitFor();
    await pageB.locator('[data-live="live"]').waitFor();
    await pageB.getByText("No images yet.").waitFor();

    // A slow uplink (80 KiB/s for a 235 KiB file) so the progress bar is seen moving.
    const network = await context.newCDPSession(pageA);
    await network.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 80 * 1024,
    });
    await pageA.getByLabel("Choose images").setInputFiles(join(fixtureImages, "chelsea.png"));
    const progress = pageA.getByLabel("Upload progress of chelsea.png");
    const progressValue = () => progress.evaluate((bar: HTMLProgressElement) => bar.value);
    await expect.poll(progressValue, { timeout: 15_000, interval: 50 }).toBeGreaterThan(0.1);
    expect(await progressValue()).toBeLessThan(1);
    const status = pageA.locator('.upload-row[data-filename="chelsea.png"] .upload-status');
    await expect(status.textContent()).resolves.toMatch(/^Uploading \d+%$/);
    await shot(pageA, "2-uploading");
    await network.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await network.detach();
    await pageA
      .locator('.upload-row[data-filename="chelsea.png"][data-phase="ready"]')
      .waitFor({ timeout: 30_000 });

    // Page B never reloads: the card can only come from the project's event stream.
    const cardOnB = pageB.locator('.asset-card[data-status="ready"]', {
      has: pageB.getByAltText("chelsea.png"),
    });
    await cardOnB.waitFor({ timeout: 15_000 });
    const thumbnail = cardOnB.getByAltText("chelsea.png");
    await expect
      .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await expect.poll(() => pageB.locator(".asset-card").count()).toBe(1);
    await shot(pageA, "3-uploader-ready");
    await shot(pageB, "3-second-page-live");
  });

  it("rejects a truncated JPEG with a message on both pages", async () => {
    await pageA.getByLabel("Choose images").setInputFiles(join(fixtureImages, "truncated.jpg"));
    const row = pageA.locator('.upload-row[data-filename="truncated.jpg"]');
    await row.and(pageA.locator('[data-phase="rejected"]')).waitFor({ timeout: 30_000 });
    const rowText = (await row.locator(".upload-status").textContent()) ?? "";
    expect(rowText).toMatch(/^Rejected: .{10,}/);

    const rejectedOnB = pageB.locator('.asset-card[data-status="rejected"]');
    await rejectedOnB.waitFor({ timeout: 15_000 });
    const message = (await rejectedOnB.locator(".asset-rejection").textContent()) ?? "";
    expect(rowText).toContain(message);
    await expect.poll(() => pageB.locator(".asset-card").count()).toBe(2);
    await shot(pageA, "4-uploader-rejected");
    await pageB.emulateMedia({ colorScheme: "dark" });
    await shot(pageB, "5-second-page-rejected-dark");
  });

  it("takes several images dropped onto the drop zone at once", async () => {
    const dropped = ["coffee.png", "text.png"].map((name) => ({
      name,
      base64: readFileSync(join(fixtureImages, name)).toString("base64"),
    }));
    const dataTransfer = await pageA.evaluateHandle((files) => {
      const transfer = new DataTransfer();
      for (const file of files) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: "image/png" }));
      }
      return transfer;
    }, dropped);
    const zone = pageA.getByRole("region", { name: "Upload images" });
    await zone.dispatchEvent("dragenter", { dataTransfer });
    await expect.poll(() => zone.getAttribute("class")).toContain("dropzone-active");
    await zone.dispatchEvent("drop", { dataTransfer });
    for (const { name } of dropped) {
      await pageA
        .locator(`.upload-row[data-filename="${name}"][data-phase="ready"]`)
        .waitFor({ timeout: 30_000 });
      await pageB.getByAltText(name).waitFor({ timeout: 15_000 });
    }
    await expect.poll(() => pageB.locator(".asset-card").count()).toBe(4);
    await expect(zone.getAttribute("class")).resolves.not.toContain("dropzone-active");
  });

  it("catches up on what happened while a page's connection was down", async () => {
    // Page C reaches the server through a relay the test can cut; cookies ignore ports, so it shares the session.
    const proxy = await startTcpProxy(Number(new URL(server.url).port), proxyPort);
    const pageC = await context.newPage();
    try {
      await pageC.goto(new URL(new URL(projectUrl).pathname, proxy.url).href);
      await pageC.locator('[data-live="live"]').waitFor();
      await expect.poll(() => pageC.locator(".asset-card").count()).toBe(4);

      proxy.cut();
      await pageC.locator('[data-live="reconnecting"]').waitFor();
      await pageA.getByLabel("Choose images").setInputFiles({
        name: "while-offline.png",
        mimeType: "image/png",
        buffer: readFileSync(join(fixtureImages, "coffee.png")),
      });
      await pageA
        .locator('.upload-row[data-filename="while-offline.png"][data-phase="ready"]')
        .waitFor({ timeout: 30_000 });
      await expect(pageC.getByAltText("while-offline.png").count()).resolves.toBe(0);

      proxy.restore();
      // wsLink reconnects on its own; the page reads the list again and resumes the stream.
      await pageC.getByAltText("while-offline.png").waitFor({ timeout: 20_000 });
      await pageC.locator('[data-live="live"]').waitFor();
      await expect.poll(() => pageC.locator(".asset-card").count()).toBe(5);
      await shot(pageC, "6-caught-up-after-outage");
    } finally {
      await pageC.close();
      await proxy.close();
    }
  });

  it("fits a phone screen without sideways scrolling", async () => {
    await pageB.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => pageB.evaluate(() => document.documentElement.scrollWidth))
      .toBeLessThanOrEqual(390);
    await shot(pageB, "6b-phone");
    await pageB.setViewportSize({ width: 1280, height: 860 });
  });

  it("tells a person who mistypes their password why sign-in failed", async () => {
    const stranger = await browser.newContext();
    const page = await stranger.newPage();
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(5);
    await shot(page, "7-sign-in-error");
    await stranger.close();
  });

  it("adds a teammate by email, changes their role and removes them", async () => {
    const teammate = await browser.newContext();
    const signUp = await teammate.newPage();
    await signUp.goto(`${server.url}/sign-up`);
    await signUp.getByLabel("Name").fill("Grace Hopper");
    await signUp.getByLabel("Email").fill(`grace-${Date.now()}@example.com`);
    const graceEmail = await signUp.getByLabel("Email").inputValue();
    await signUp.getByLabel("Password").fill(account.password);
    await signUp.getByRole("button", { name: "Create account" }).click();
    await signUp.getByRole("heading", { name: "Welcome to Atelier" }).waitFor();
    await teammate.close();

    await pageA
      .getByRole("navigation", { name: "Breadcrumb" })
      .getByRole("link", { name: "Lovelace Studio" })
      .click();
    const members = pageA.getByRole("list", { name: "Members" });
    await members.locator(".member-name", { hasText: "Ada Lovelace" }).waitFor();

    await pageA.getByLabel("Email of the person to add").fill("nobody@example.com");
    await pageA.getByRole("button", { name: "Add member" }).click();
    await pageA.getByRole("form", { name: "Add member" }).getByRole("alert").waitFor();

    await pageA.getByLabel("Email of the person to add").fill(graceEmail);
    await pageA.getByLabel("Role", { exact: true }).selectOption("viewer");
    await pageA.getByRole("button", { name: "Add member" }).click();
    const graceRole = pageA.getByLabel("Role of Grace Hopper");
    await graceRole.waitFor();
    await expect(graceRole.inputValue()).resolves.toBe("viewer");

    await graceRole.selectOption("admin");
    await expect.poll(() => graceRole.inputValue()).toBe("admin");
    await shot(pageA, "8-members");

    await pageA.getByRole("button", { name: "Remove Grace Hopper" }).click();
    await graceRole.waitFor({ state: "detached" });
    await expect.poll(() => members.locator(".member-row").count()).toBe(1);
  });

  it("signs out back to the sign-in page", async () => {
    await pageA.getByRole("button", { name: "Sign out" }).click();
    await pageA.getByRole("heading", { name: "Sign in" }).waitFor();
    await pageA.goto(projectUrl);
    await pageA.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(pageA.url()).searchParams.get("next")).toBe(new URL(projectUrl).pathname);
  });
});
