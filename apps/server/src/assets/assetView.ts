import type { schema } from "@atelier/db";
import { moderationViewOf } from "@atelier/jobs";
import { type AssetView, isWithheld } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";

type AssetRow = typeof schema.assets.$inferSelect;

const URL_TTL_SEC = 60 * 60;

export const assetKeys = (orgId: string, assetId: string) => {
  const base = `orgs/${orgId}/assets/${assetId}`;
  return {
    original: `${base}/original`,
    display: `${base}/display.webp`,
    thumbnail: `${base}/thumb.webp`,
    /** Full-resolution renditions of the edited asset, one per revision, format and quality. */
    exports: `${base}/exports`,
    /** What a held or rejected upload shows: too blurred to make out, enough to recognise which it is. */
    blurredThumbnail: `${base}/thumb-blurred.webp`,
  };
};

export async function toAssetView(
  storage: ObjectStorage,
  row: AssetRow,
  reason: string | null = null,
): Promise<AssetView> {
  const keys = assetKeys(row.orgId, row.id);
  const withheld = isWithheld(row.reviewStatus);
  const ready = row.status === "ready" && !withheld;
  return {
    id: row.id,
    projectId: row.projectId,
    filename: row.filename,
    status: row.status,
    mediaType: row.mediaType,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    sha256: row.sha256,
    rejection:
      row.status === "rejected"
        ? { code: row.rejectionCode ?? "UNKNOWN", message: row.rejectionMessage ?? "" }
        : null,
    url: ready
      ? await storage.createDownloadUrl(keys.display, {
          expiresInSec: URL_TTL_SEC,
          contentType: "image/webp",
        })
      : null,
    thumbnailUrl:
      row.status !== "ready"
        ? null
        : await storage.createDownloadUrl(withheld ? keys.blurredThumbnail : keys.thumbnail, {
            expiresInSec: URL_TTL_SEC,
            contentType: "image/webp",
          }),
    moderation: moderationViewOf(row, reason),
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt.toISOString(),
  };
}
