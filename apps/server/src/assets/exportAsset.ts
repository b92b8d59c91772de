import { eq, schema, sql } from "@atelier/db";
import { orgPipelineSettings } from "@atelier/jobs";
import { renderEditDocument } from "@atelier/pipeline";
import {
  AppError,
  type AssetExportView,
  type ExportFormat,
  extensionOfMediaType,
  isWithheld,
  mediaTypeOfFormat,
} from "@atelier/shared";
import { getVerified } from "@atelier/storage";
import type { Services } from "../services.ts";
import { assetKeys } from "./assetView.ts";

type AssetRow = typeof schema.assets.$inferSelect;

const URL_TTL_SEC = 60 * 60;

/**
 * The asset as edited at full resolution, in the format asked for. A rendition is stored under the
 * asset, revision, format and quality, so exporting the same thing again only signs a new link.
 */
export async function exportAsset(
  services: Pick<Services, "db" | "storage" | "pipelineEnv" | "renditions">,
  asset: AssetRow,
  request: { format: ExportFormat; quality?: number },
): Promise<AssetExportView> {
  const { db, storage } = services;
  if (asset.status !== "ready") throw new AppError("CONFLICT", "The asset is not ready yet.");
  if (isWithheld(asset.reviewStatus)) {
    throw new AppError(
      "HELD_FOR_REVIEW",
      asset.reviewStatus === "held"
        ? "This image is held for review; it can be downloaded once an admin approves it."
        : "This image was rejected in review and cannot be downloaded.",
      { assetId: asset.id, review: asset.reviewStatus },
    );
  }
  // Document and revision come from one row, so the stored file always shows the revision it is keyed by.
  const [row] = await db
    .select({ revision: schema.assetDocuments.revision, document: schema.assetDocuments.document })
    .from(schema.assetDocuments)
    .where(eq(schema.assetDocuments.assetId, asset.id));
  const revision = row?.revision ?? 0;
  const quality = request.format === "png" ? undefined : request.quality;
  const mediaType = mediaTypeOfFormat[request.format];
  const extension = extensionOfMediaType[mediaType]!;
  const key = `${assetKeys(asset.orgId, asset.id).exports}/r${revision}-${quality ?? "default"}.${extension}`;

  let bytes = (await storage.head(key))?.bytes;
  if (bytes === undefined) {
    // Through the same bounded pool as previews: a full-resolution render holds the most memory of all.
    const rendition = await services.renditions.get(`export:${key}`, async () => {
      const [original, org] = await Promise.all([
        getVerified(storage, asset.storageKey, asset.sha256, { what: asset.filename }),
        orgPipelineSettings(db, asset.orgId),
      ]);
      return renderEditDocument(original, row?.document ?? {}, {
        env: { ...services.pipelineEnv, org },
        output: request.format,
        quality,
      });
    });
    await storage.put(key, rendition.data, mediaType);
    // Remembered with the asset: deleting it later removes its renditions too.
    await db
      .update(schema.assets)
      .set({ exportKeys: sql`array_append(array_remove(${schema.assets.exportKeys}, ${key}), ${key})` })
      .where(eq(schema.assets.id, asset.id));
    bytes = rendition.data.length;
  }
  const filename = `${asset.filename.replace(/\.[^.]+$/, "") || asset.id}${revision > 0 ? "-edited" : ""}.${extension}`;
  return {
    url: await storage.createDownloadUrl(key, {
      expiresInSec: URL_TTL_SEC,
      contentType: mediaType,
      filename,
    }),
    filename,
    mediaType,
    bytes,
    revision,
  };
}
