import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { fixtureImages, resultsDir } from "./repoPaths.ts";

const screenshotDir = join(resultsDir, "web-e2e-review");
const password = "correct horse battery";
const stamp = Date.now();
const admin = { name: "Ada Lovelace", email: `ada-review-${stamp}@example.com`, password };
const member = { name: "Grace Hopper", email: `grace-review-${stamp}@example.com`, password };

let server: RunningServer;
let browser: Browser;
let contextAdmin: BrowserContext;
let contextMember: BrowserContext;
let apiAdmin: ReturnType<typeof apiClient>;
let apiMember: ReturnType<typeof apiClient>;
let orgId: string;
let projectId: string;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  apiAdmin = apiClient(server.url);
  apiMember = apiClient(server.url);
  await apiAdmin.auth.signUp.mutate(admin);
  await apiMember.auth.signUp.mutate(member);
  orgId = (await apiAdmin.orgs.create.mutate({ name: "Strict Studio" })).id;
  await apiAdmin.orgs.addMember.mutate({ orgId, email: member.email, role: "member" });
  projectId = (await apiAdmin.projects.create.mutate({ orgId, name: "Campaign" })).id;
  // Threshold 0: every upload is held until an admin looks at it.
  await apiAdmin.settings.saveRules.mutate({
    orgId,
    cropPriority: ["face", "product", "text"],
    canvasFill: "blur",
    moderationThreshold: 0,
  });
  contextAdmin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contextMember = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(context: BrowserContext, who: typeof admin, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return page;
}

describe("moderation review queue", () => {
  it("holds an upload at threshold 0; an admin approves it and the uploader's page sees it become downloadable", async () => {
    const memberPage = await signIn(contextMember, member, `/projects/${projectId}`);
    await memberPage.locator('[data-live="live"]').waitFor();
    await memberPage.getByLabel("Choose images").setInputFiles(join(fixtureImages, "coffee.png"));
    const card = memberPage.locator('.asset-card[data-status="ready"]');
    await card.and(memberPage.locator('[data-review="held"]')).waitFor({ timeout: 60_000 });
    await card.getByText("Held for review").waitFor();
    await memberPage.screenshot({ path: join(screenshotDir, "1-held-blurred.png") });
    const assetId = (await card.getAttribute("data-asset-id"))!;

    // Held: real scores are stored (all low on this photo), but no link is handed out.
    const held = await apiMember.assets.get.query({ assetId });
    expect(held.moderation.status).toBe("held");
    expect(held.moderation.scores?.neutral).toBeGreaterThan(0.8);
    expect(held.moderation.unsafe).toBeLessThan(0.1);
    expect(held.url).toBeNull();
    // A member cannot decide; only the organization's admins can.
    await expect(
      apiMember.review.decideAsset.mutate({ assetId, decision: "approved", reason: "mine" }),
    ).rejects.toThrow();

    const adminPage = await signIn(contextAdmin, admin, `/orgs/${orgId}/admin/review`);
    const item = adminPage.getByRole("listitem", { name: "Review coffee.png" });
    await item.waitFor({ timeout: 30_000 });
    await adminPage.screenshot({ path: join(screenshotDir, "2-review-page.png") });
    await item.getByLabel("Reason for coffee.png").fill("An espresso cup; nothing unsafe.");
    await item.getByRole("button", { name: "Approve" }).click();
    await adminPage
      .getByRole("table", { name: "Review decisions" })
      .getByText("An espresso cup; nothing unsafe.")
      .waitFor();
    await adminPage.screenshot({ path: join(screenshotDir, "3-decided.png") });

    // The member's page follows live, without a reload.
    await card.and(memberPage.locator('[data-review="approved"]')).waitFor({ timeout: 15_000 });
    await card.getByRole("link", { name: "coffee.png" }).waitFor();
    await memberPage.screenshot({ path: join(screenshotDir, "4-approved.png") });
    const approved = await apiMember.assets.get.query({ assetId });
    expect(approved.url).not.toBeNull();
    const res = await fetch(new URL(approved.url!, server.url));
    expect(res.status).toBe(200);
    const log = await apiAdmin.review.log.query({ orgId, limit: 10 });
    expect(log[0]).toMatchObject({
      subject: "asset",
      subjectId: assetId,
      decision: "approved",
      decidedBy: admin.email,
    });
  }, 240_000);
});
