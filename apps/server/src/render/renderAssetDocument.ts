import { createHash } from "node:crypto";
import { eq, schema } from "@atelier/db";
import { assetAnalysis, orgPipelineSettings } from "@atelier/jobs";
import { renderEditDocument } from "@atelier/pipeline";
import { AppError } from "@atelier/shared";
import { getVerified } from "@atelier/storage";
import type { Services } from "../services.ts";

type AssetRow = typeof schema.assets.$inferSelect;

/**
 * An asset rendered with its current edit document, through the rendition cache: rendered once
 * per (asset, revision, size, format, organization settings), at most a few at a time.
 */
export async function renderAssetDocument(
  services: Pick<Services, "db" | "storage" | "pipelineEnv" | "renditions" | "log">,
  asset: AssetRow,
  request: { maxSize: number; formatId?: string },
) {
  const { db, storage } = services;
  if (asset.status !== "ready") throw new AppError("CONFLICT", "The asset is not ready yet.");
  const [[row], org, analysis] = await Promise.all([
    db.select().from(schema.assetDocuments).where(eq(schema.assetDocuments.assetId, asset.id)),
    orgPipelineSettings(db, asset.orgId),
    // A format is cut where the planner puts it, from the same stored analysis a job uses.
    request.formatId ? assetAnalysis(services, asset) : null,
  ]);
  const revision = row?.revision ?? 0;
  // The organization's formats and text styles, and the analysis a format's cut follows, change a
  // rendition as much as the document does.
  const settings = createHash("sha1")
    .update(JSON.stringify([org, analysis]))
    .digest("hex");
  const key = `${asset.id}:${revision}:${request.maxSize}:${request.formatId ?? ""}:${settings}`;
  const rendition = await services.renditions.get(key, async () => {
    const original = await getVerified(storage, asset.storageKey, asset.sha256, { what: asset.filename });
    return renderEditDocument(original, row?.document ?? {}, {
      env: { ...services.pipelineEnv, org },
      analysis,
      maxSize: request.maxSize,
      formatId: request.formatId,
      output: "webp",
      quality: 80,
    });
  });
  return {
    revision,
    width: rendition.width,
    height: rendition.height,
    dataUrl: `data:${rendition.mediaType};base64,${rendition.data.toString("base64")}`,
  };
}
