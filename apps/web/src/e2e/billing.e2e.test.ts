import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeStripe, startFakeStripe } from "../../../server/src/testing/fakeStripe.ts";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { fixtureImages, resultsDir } from "./repoPaths.ts";

/**
 * Credits in the browser with billing on: a pack bought through the Checkout stand-in (the local
 * Stripe sends the signed webhook), the balance following in another tab, the usage chart after a
 * job, and the operator's plans, packs and grants, which nobody else sees.
 */
const screenshotDir = join(resultsDir, "web-e2e-billing");
const password = "correct horse battery";
const stamp = Date.now();
const ada = { name: "Ada Lovelace", email: `ada-billing-${stamp}@example.com`, password };
const grace = { name: "Grace Hopper", email: `grace-billing-${stamp}@example.com`, password };

let stripe: FakeStripe;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let tab1: Page;
let tab2: Page;
let api: ReturnType<typeof apiClient>;
let orgId: string;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  stripe = await startFakeStripe();
  [server, browser] = await Promise.all([
    startServer({
      env: {
        ATELIER_BILLING: "credits",
        STRIPE_SECRET_KEY: "sk_test_atelier",
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_BASE: stripe.url,
      },
    }),
    launchChromium(),
  ]);
  stripe.webhookUrl = `${server.url}/webhooks/stripe`;
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await stripe?.close();
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: "disabled" });
const balanceOf = (page: Page) => page.getByTestId("balance");
const creditsIn = async (page: Page) => Number((await balanceOf(page).textContent())!.replace(/\D/g, ""));

describe("credits in the browser: Checkout, the live balance, usage and the operator's pages", () => {
  it("signs up the installation's first account (its operator) and opens the organization in two tabs", async () => {
    tab1 = await context.newPage();
    await tab1.goto(`${server.url}/sign-up`);
    await tab1.getByLabel("Name").fill(ada.name);
    await tab1.getByLabel("Email").fill(ada.email);
    await tab1.getByLabel("Password").fill(ada.password);
    await tab1.getByRole("button", { name: "Create account" }).click();
    await tab1.getByLabel("Organization name").fill("Lovelace Studio");
    await tab1.getByRole("button", { name: "Create organization" }).click();
    await tab1.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    orgId = new URL(tab1.url()).pathname.split("/")[2]!;
    await expect(tab1.getByText("· operator").count()).resolves.toBe(1);

    tab2 = await context.newPage();
    await tab2.goto(`${server.url}/orgs/${orgId}`);
    await balanceOf(tab2)
      .filter({ hasText: /^\d[\d,]* credits$/ })
      .waitFor();
    // Set once: still there at the end means tab 2 never reloaded.
    await tab2.evaluate(() => Object.assign(window, { sameDocument: true }));
    api = apiClient(server.url);
    await api.auth.signIn.mutate({ email: ada.email, password: ada.password });
  });

  it("buys a pack in tab 1 through the Checkout stand-in; tab 2's header shows the new balance without a reload", async () => {
    const before = await creditsIn(tab2);
    const pack = (await api.billing.packs.query()).find((p) => p.active)!;
    await balanceOf(tab1).click();
    await tab1.getByRole("heading", { name: "Billing", level: 1 }).waitFor();
    await tab1.getByRole("button", { name: new RegExp(`^Buy ${pack.name}:`) }).click();

    // Stripe's page (here the local stand-in), then back to the Billing page.
    await tab1.waitForURL(`${stripe.url}/checkout/**`);
    await tab1.getByRole("heading", { name: `Pay ${(pack.priceCents / 100).toFixed(2)} USD` }).waitFor();
    await shot(tab1, "1-checkout-stand-in");
    await tab1.getByRole("button", { name: "Pay" }).click();
    await tab1.waitForURL(`${server.url}/orgs/${orgId}/billing?checkout=success`);
    await tab1.getByText("Payment received.").waitFor();

    const after = `${(before + pack.credits).toLocaleString("en-US")} credits`;
    await balanceOf(tab2).filter({ hasText: after }).waitFor({ timeout: 15_000 });
    await expect(tab2.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).resolves.toBe(
      true,
    );
    await shot(tab2, "2-balance-live-in-tab-2");
    const ledger = await api.billing.ledger.query({ orgId });
    expect(ledger.entries.filter((e) => e.kind === "purchase").map((e) => e.amount)).toEqual([pack.credits]);
  });

  it("charts a job's credits on the Usage page, by preset and by member", async () => {
    const projectId = (await api.projects.create.mutate({ orgId, name: "Metered" })).id;
    const bytes = readFileSync(join(fixtureImages, "coffee.png"));
    const { asset, upload } = await api.assets.createUpload.mutate({
      projectId,
      filename: "coffee.png",
      contentType: "image/png",
      bytes: bytes.length,
    });
    const put = await fetch(upload.url, {
      method: "PUT",
      headers: upload.headers,
      body: new Uint8Array(bytes),
    });
    expect(put.status).toBeLessThan(300);
    await api.assets.completeUpload.mutate({ assetId: asset.id });
    const spec = { steps: [{ step: "diagnostic", params: { ms: 100 } }] };
    const job = await api.jobs.create.mutate({ projectId, assetIds: [asset.id], spec });
    await expect
      .poll(async () => (await api.jobs.get.query({ jobId: job.id })).status, { timeout: 60_000 })
      .toBe("succeeded");
    const used = (await api.billing.usage.query({ orgId, days: 1 })).rows.reduce((s, r) => s + r.credits, 0);
    expect(used).toBeGreaterThan(0);

    await tab1.getByRole("link", { name: /Credits used per day/ }).click();
    await tab1.getByRole("heading", { name: "Usage", level: 1 }).waitFor();
    const chart = tab1.getByTestId("usage-chart");
    await chart.waitFor();
    // Chart.js has drawn into the canvas: some pixel is not transparent.
    await expect
      .poll(() =>
        chart.evaluate((canvas: HTMLCanvasElement) => {
          const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
          return data.some((v, i) => i % 4 === 3 && v > 0);
        }),
      )
      .toBe(true);
    const table = tab1.getByRole("table", { name: "Credits per day" });
    await table.getByRole("columnheader", { name: "custom steps" }).waitFor();
    await expect(table.locator("tfoot td").last().textContent()).resolves.toBe(String(used));
    await shot(tab1, "3-usage-by-preset");
    await tab1.getByRole("button", { name: "By member" }).click();
    await table.getByRole("columnheader", { name: ada.name }).waitFor();
    await shot(tab1, "4-usage-by-member");
  });

  it("lets the operator edit a plan, add a pack and grant credits; tab 2's balance follows", async () => {
    await tab1.goto(`${server.url}/orgs/${orgId}/admin`);
    const nav = tab1.getByRole("navigation", { name: "Admin" });
    await nav.getByRole("link", { name: "Plans" }).click();
    const pro = tab1.getByRole("form", { name: "Plan Pro" });
    await pro.getByLabel("Concurrent jobs").fill("7");
    await pro.getByRole("button", { name: "Save Pro" }).click();
    await pro.getByText("Saved").waitFor();
    expect((await api.billing.plans.query()).find((p) => p.id === "pro")?.maxLiveJobs).toBe(7);

    await nav.getByRole("link", { name: "Credit packs" }).click();
    const fresh = tab1.getByRole("form", { name: "New pack" });
    await fresh.getByLabel("Id").fill("starter");
    await fresh.getByLabel("Name").fill("Starter");
    await fresh.getByLabel("Credits").fill("50");
    await fresh.getByLabel("Price (cents)").fill("100");
    await fresh.getByRole("button", { name: "Add pack" }).click();
    await tab1.getByRole("form", { name: "Pack Starter" }).waitFor();

    await nav.getByRole("link", { name: "Grant credits" }).click();
    const before = await creditsIn(tab2);
    const form = tab1.getByRole("form", { name: "Grant credits" });
    await form.getByLabel("Organization", { exact: true }).selectOption(orgId);
    await form.getByLabel("Credits").fill("250");
    await form.getByLabel("Reason").fill("pilot customer");
    await form.getByRole("button", { name: "Grant" }).click();
    await form.getByRole("status").filter({ hasText: "Granted 250 credits to Lovelace Studio" }).waitFor();
    await balanceOf(tab2)
      .filter({ hasText: `${(before + 250).toLocaleString("en-US")} credits` })
      .waitFor({ timeout: 15_000 });
    await expect(tab2.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).resolves.toBe(
      true,
    );
    await shot(tab1, "5-operator-grant");
  });

  it("shows no operator pages to anyone else, and the new pack on their Billing page", async () => {
    const other = apiClient(server.url);
    await other.auth.signUp.mutate(grace);
    const graceOrg = (await other.orgs.create.mutate({ name: "Hopper Labs" })).id;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/sign-in?next=${encodeURIComponent(`/orgs/${graceOrg}/admin`)}`);
    await page.getByLabel("Email").fill(grace.email);
    await page.getByLabel("Password").fill(grace.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const nav = page.getByRole("navigation", { name: "Admin" });
    await nav.getByRole("link", { name: "Webhooks" }).waitFor();
    for (const name of ["Nodes", "Plans", "Credit packs", "Grant credits"]) {
      await expect(nav.getByRole("link", { name }).count()).resolves.toBe(0);
    }
    await page.goto(`${server.url}/orgs/${graceOrg}/admin/grants`);
    await page.getByText("Only the operator of this installation sees this page.").waitFor();
    await expect(page.getByRole("form", { name: "Grant credits" }).count()).resolves.toBe(0);
    await page.goto(`${server.url}/orgs/${graceOrg}/billing`);
    await page.getByRole("button", { name: "Buy Starter: 50 credits for $1.00" }).waitFor();
  });
});
