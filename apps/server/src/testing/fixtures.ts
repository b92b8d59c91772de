import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestClient } from "./testApp.ts";

import { fixturesDir, pngClaiming } from "@atelier/shared/testing";

export { fixturesDir, pngClaiming };
export const fixture = (name: string) => readFileSync(join(fixturesDir, name));

export async function signUp(client: TestClient, name = "Ada") {
  const email = `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.com`;
  const { user } = await client.trpc.auth.signUp.mutate({ email, password: "correct horse battery", name });
  return { ...user, password: "correct horse battery" };
}

/** A signed-up user with an organization and a project. */
export async function signUpWithProject(client: TestClient, name = "Ada") {
  const user = await signUp(client, name);
  const org = await client.trpc.orgs.create.mutate({ name: `${name}'s studio` });
  const project = await client.trpc.projects.create.mutate({ orgId: org.id, name: "Launch" });
  return { user, org, project };
}

/** The browser's upload: createUpload, PUT the bytes to the signed URL, completeUpload. */
export async function upload(
  client: TestClient,
  projectId: string,
  filename: string,
  bytes: Buffer,
  contentType = "image/png",
) {
  const { asset, upload: target } = await client.trpc.assets.createUpload.mutate({
    projectId,
    filename,
    contentType,
    bytes: bytes.length,
  });
  const put = await fetch(target.url, {
    method: "PUT",
    headers: target.headers,
    body: new Uint8Array(bytes),
  });
  if (!put.ok) throw new Error(`PUT failed with ${put.status}: ${await put.text()}`);
  return client.trpc.assets.completeUpload.mutate({ assetId: asset.id });
}
