import { createHash } from "node:crypto";
import { AppError } from "@atelier/shared";
import type { ObjectStorage } from "./ObjectStorage.ts";

/**
 * Reads an object and checks it is still the bytes whose SHA-256 was recorded when they were
 * validated: whatever replaced them since (a second PUT to a leaked upload URL, a tampered
 * bucket) is refused with CONFLICT instead of being processed as if it had been checked.
 */
export async function getVerified(
  storage: ObjectStorage,
  key: string,
  expectedSha256: string | null,
  opts: { maxBytes?: number; what?: string } = {},
): Promise<Buffer> {
  const data = await storage.get(key, { maxBytes: opts.maxBytes });
  const actual = createHash("sha256").update(data).digest("hex");
  if (expectedSha256 === null || actual !== expectedSha256) {
    throw new AppError(
      "CONFLICT",
      `The stored file of ${opts.what ?? "this image"} is not the one that was checked at upload; upload it again.`,
      { key, expectedSha256, actualSha256: actual },
    );
  }
  return data;
}
