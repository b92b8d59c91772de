import { readFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import type { TestClient } from "./testApp.ts";

import { fixturesDir } from "@atelier/shared/testing";

export { fixturesDir };
export const fixture = (name: string) => readFileSync(join(fixturesDir, name));

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A well-formed PNG header that claims width×height; the pixel data is a token scanline. */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(1 + width * 3))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

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
