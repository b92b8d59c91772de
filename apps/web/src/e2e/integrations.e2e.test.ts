import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../../server/src/testing/serverProcess.ts";
import {
  eventually,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../../../server/src/testing/webhookReceiver.ts";
import { apiClient } from "./apiClient.ts";
import { launchChromium } from "./browser.ts";
import { buildWebIfStale } from "./buildWeb.ts";
import { fixtureImages, resultsDir } from "./repoPaths.ts";

const screenshotDir = join(resultsDir, "web-e2e-integrations");
const admin = {
  name: "Ada Lovelace",
  email: `ada-keys-${Date.now()}@example.com`,
  password: "correct horse battery",
};

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let receiver: WebhookReceiver;
let api: ReturnType<typeof apiClient>;
let orgId: string;
let projectId: string;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  buildWebIfStale();
  [server, browser, receiver] = await Promise.all([
    // The receiver listens on 127.0.0.1, which only an operator's setting allows.
    startServer({ env: { ATELIER_WEBHOOK_ALLOW_PRIVATE: "1", ATELIER_WEBHOOK_RETRY_BASE_MS: "50" } }),
    launchChromium(),
    startWebhookReceiver(),
  ]);
  api = apiClient(server.url);
  await api.auth.signUp.mutate(admin);
  orgId = (await api.orgs.create.mutate({ name: "Keyed Studio" })).id;
  projectId = (await api.projects.create.mutate({ orgId, name: "Launch" })).id;
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await receiver?.close();
});

let signedIn = false;

/** Opens a page, signing in first when the browser has no session yet (the context keeps it after). */
async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(`${server.url}${path}`);
  if (!signedIn) {
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    signedIn = true;
  }
  return page;
}

/** What a script holding `key` gets from orgs.list: the HTTP status and the organizations' ids. */
async function callWithKey(key: string): Promise<{ status: number; orgIds: string[] }> {
  const res = await fetch(`${server.url}/trpc/orgs.list`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json()) as { result?: { data?: Array<{ id: string }> } };
  return { status: res.status, orgIds: (body.result?.data ?? []).map((o) => o.id) };
}

describe("organization settings: API keys and webhooks", () => {
  it("creates a key shown once with a copy button, which works until it is revoked on the page", async () => {
    const page = await open(`/orgs/${orgId}/admin/api-keys`);
    const form = page.getByRole("form", { name: "Create API key" });
    await form.getByLabel("Key name").fill("CI");
    await form.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByLabel("New API key");
    await shown.waitFor();
    const key = await shown.inputValue();
    expect(key).toMatch(/^atl_/);
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.screenshot({ path: join(screenshotDir, "1-key-shown-once.png") });
    expect(await callWithKey(key)).toEqual({ status: 200, orgIds: [orgId] });

    // Once: after Done, and after a reload, only its prefix is on the page.
    await page.getByRole("button", { name: "Done" }).click();
    await page.reload();
    const table = page.getByRole("table", { name: "API keys" });
    await table.getByRole("cell", { name: "CI", exact: true }).waitFor();
    expect(await page.content()).not.toContain(key);

    await table.getByRole("button", { name: "Revoke CI" }).click();
    await page.getByText("No API keys yet.").waitFor();
    expect((await callWithKey(key)).status).toBe(401);
  }, 120_000);

  it("adds an endpoint, delivers signed events to it, logs them with status codes, replays, and rotates the secret", async () => {
    const page = await open(`/orgs/${orgId}/admin/webhooks`);
    const form = page.getByRole("form", { name: "Add webhook endpoint" });
    await form.getByLabel("Endpoint URL").fill(`${receiver.url}/atelier`);
    await form.getByLabel("Asset ready").check();
    await form.getByRole("button", { name: "Add endpoint" }).click();
    const secretField = page.getByLabel("Signing secret");
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Done" }).click();

    // An upload through the API: the asset becomes ready and the endpoint hears of it.
    const bytes = readFileSync(join(fixtureImages, "coffee.png"));
    const { asset, upload } = await api.assets.createUpload.mutate({
      projectId,
      filename: "coffee.png",
      contentType: "image/png",
      bytes: bytes.length,
    });
    const put = await fetch(new URL(upload.url, server.url), {
      method: "PUT",
      headers: upload.headers,
      body: bytes,
    });
    expect(put.ok).toBe(true);
    await api.assets.completeUpload.mutate({ assetId: asset.id });
    const first = await eventually(() => receiver.ofType("asset.ready")[0]);
    const verified = new Webhook(secret).verify(first.body, first.headers as Record<string, string>);
    expect(verified).toMatchObject({ type: "asset.ready", data: { id: asset.id, status: "ready" } });

    const log = page.getByRole("table", { name: "Webhook deliveries" });
    const row = log.locator('tr[data-status="succeeded"][data-event="asset.ready"]');
    await row.first().waitFor({ timeout: 15_000 });
    expect(await row.first().locator('[data-label="Response code"]').textContent()).toMatch(/^200/);
    await page.screenshot({ path: join(screenshotDir, "2-delivery-log.png") });

    await row
      .first()
      .getByRole("button", { name: /^Replay asset.ready/ })
      .click();
    const again = await eventually(() => receiver.ofType("asset.ready")[1]);
    expect(again.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    await log.getByText("(replay)").waitFor({ timeout: 15_000 });

    const endpoint = page.getByRole("listitem", { name: `Endpoint ${receiver.url}/atelier` });
    await endpoint.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByText(/The old secret keeps signing too until/).waitFor();
    const rotated = await page.getByLabel("Signing secret").inputValue();
    expect(rotated).not.toBe(secret);
    await page.screenshot({ path: join(screenshotDir, "3-rotated.png") });
    // During the overlap a replay verifies with the new secret and the old one.
    await row
      .first()
      .getByRole("button", { name: /^Replay asset.ready/ })
      .click();
    const third = await eventually(() => receiver.ofType("asset.ready")[2]);
    for (const s of [secret, rotated])
      expect(() => new Webhook(s).verify(third.body, third.headers as Record<string, string>)).not.toThrow();
  }, 120_000);
});
