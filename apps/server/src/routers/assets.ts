import { and, desc, eq, isNotNull, isNull, schema } from "@atelier/db";
import { enqueueWebhookEvent, moderateImage, moderationThresholdPercent } from "@atelier/jobs";
import {
  AppError,
  assetViewSchema,
  createUploadInput,
  createUploadOutput,
  DELETE_UNDO_MS,
  exportAssetInput,
  uploadContentTypes,
} from "@atelier/shared";
import { assetProcedure, authorizeDelete, projectProcedure } from "../access.ts";
import { assetKeys, toAssetView } from "../assets/assetView.ts";
import { exportAsset } from "../assets/exportAsset.ts";
import { inspectUpload } from "../assets/inspectUpload.ts";
import { router } from "../trpc.ts";

const UPLOAD_URL_TTL_SEC = 15 * 60;

export const assetsRouter = router({
  list: projectProcedure().query(async ({ ctx }) => {
    const rows = await ctx.services.db
      .select()
      .from(schema.assets)
      .where(and(eq(schema.assets.projectId, ctx.access.project.id), isNull(schema.assets.deletedAt)))
      .orderBy(desc(schema.assets.createdAt));
    return Promise.all(rows.map((row) => toAssetView(ctx.services.storage, row)));
  }),

  get: assetProcedure()
    .meta({ openapi: { method: "GET", path: "/assets/{assetId}", tags: ["assets"], summary: "An asset" } })
    .output(assetViewSchema)
    .query(({ ctx }) => toAssetView(ctx.services.storage, ctx.access.asset)),

  /**
   * Deletes an asset (a rejected upload too): gone from the project at once for everyone, back with
   * `restore` for DELETE_UNDO_MS, then its files are removed. Members delete their own, admins any.
   */
  delete: assetProcedure("member").mutation(async ({ ctx }) => {
    const { db, bus } = ctx.services;
    const asset = ctx.access.asset;
    authorizeDelete(ctx.principal, ctx.access, asset.uploadedBy, "image");
    const [row] = await db
      .update(schema.assets)
      .set({ deletedAt: new Date() })
      .where(and(eq(schema.assets.id, asset.id), isNull(schema.assets.deletedAt)))
      .returning({ deletedAt: schema.assets.deletedAt });
    if (!row) throw new AppError("NOT_FOUND", "That image was already deleted.");
    const undoUntil = new Date(row.deletedAt!.getTime() + DELETE_UNDO_MS).toISOString();
    await bus.appendEvent(asset.projectId, { type: "asset.deleted", assetId: asset.id, undoUntil });
    return { undoUntil };
  }),

  /** Undoes `delete` within the undo window. */
  restore: assetProcedure("member").mutation(async ({ ctx }) => {
    const { db, bus, storage } = ctx.services;
    const asset = ctx.access.asset;
    authorizeDelete(ctx.principal, ctx.access, asset.uploadedBy, "image");
    const [row] = await db
      .update(schema.assets)
      .set({ deletedAt: null })
      .where(and(eq(schema.assets.id, asset.id), isNotNull(schema.assets.deletedAt)))
      .returning();
    if (!row) throw new AppError("CONFLICT", "That image is not deleted, or it is gone for good.");
    const view = await toAssetView(storage, row);
    await bus.appendEvent(asset.projectId, { type: "asset.restored", asset: view });
    return view;
  }),

  /** The asset as edited, at full resolution in PNG, JPEG, WebP or AVIF: a signed download link. A read. */
  export: assetProcedure()
    .input(exportAssetInput)
    .query(({ ctx, input }) => exportAsset(ctx.services, ctx.access.asset, input)),

  /** Step one of an upload: a signed URL the client PUTs exactly the declared bytes to. */
  createUpload: projectProcedure("member")
    .meta({
      openapi: {
        method: "POST",
        path: "/projects/{projectId}/uploads",
        tags: ["assets"],
        summary: "Start an upload: a new asset and a signed URL to PUT its bytes to",
        description:
          "PUT exactly `bytes` bytes to `upload.url` with `upload.headers`, then POST /assets/{assetId}/complete.",
      },
    })
    .input(createUploadInput)
    .output(createUploadOutput)
    .mutation(async ({ ctx, input }) => {
      const { db, storage, config, bus } = ctx.services;
      await ctx.services.rates.orgUploads.consume(ctx.access.orgId);
      if (input.bytes === 0) throw new AppError("EMPTY_FILE", `${input.filename} is empty (0 bytes).`);
      if (input.bytes > config.maxUploadBytes) {
        throw new AppError(
          "FILE_TOO_LARGE",
          `${input.filename} is ${(input.bytes / 2 ** 20).toFixed(1)} MiB; the limit is ${(config.maxUploadBytes / 2 ** 20).toFixed(0)} MiB.`,
          { bytes: input.bytes, maxBytes: config.maxUploadBytes },
        );
      }
      if (!(uploadContentTypes as readonly string[]).includes(input.contentType)) {
        throw new AppError(
          "UNSUPPORTED_MEDIA",
          `${input.filename} is ${input.contentType || "of an unknown type"}; upload PNG, JPEG, WebP, GIF or AVIF images.`,
          { contentType: input.contentType, accepted: uploadContentTypes },
        );
      }
      const [row] = await db
        .insert(schema.assets)
        .values({
          orgId: ctx.access.orgId,
          projectId: ctx.access.project.id,
          uploadedBy: ctx.principal.user.id,
          filename: input.filename,
          storageKey: "",
          declaredType: input.contentType,
          declaredBytes: input.bytes,
        })
        .returning();
      const key = assetKeys(row!.orgId, row!.id).original;
      const [asset] = await db
        .update(schema.assets)
        .set({ storageKey: key })
        .where(eq(schema.assets.id, row!.id))
        .returning();
      const upload = await storage.createUploadUrl(key, {
        contentType: input.contentType,
        contentLength: input.bytes,
        expiresInSec: UPLOAD_URL_TTL_SEC,
      });
      const view = await toAssetView(storage, asset!);
      await bus.appendEvent(ctx.access.project.id, { type: "asset.added", asset: view });
      return { asset: view, upload };
    }),

  /** Step two: the server checks the stored bytes; the asset becomes ready, or rejected with a code. */
  completeUpload: assetProcedure("member")
    .meta({
      openapi: {
        method: "POST",
        path: "/assets/{assetId}/complete",
        tags: ["assets"],
        summary: "Finish an upload: the server checks the bytes; the asset is ready or rejected with a code",
      },
    })
    .output(assetViewSchema)
    .mutation(async ({ ctx }) => {
      const { db, storage, config, bus, pipelineEnv, log } = ctx.services;
      const asset = ctx.access.asset;
      if (asset.status !== "uploading") return toAssetView(storage, asset);
      const stored = await storage.head(asset.storageKey);
      if (!stored) {
        throw new AppError(
          "VALIDATION_ERROR",
          "No bytes were received for this upload yet; PUT the file to its upload URL first.",
        );
      }
      let update: Partial<typeof schema.assets.$inferInsert>;
      try {
        if (stored.bytes > asset.declaredBytes) {
          throw new AppError(
            "FILE_TOO_LARGE",
            `The upload has ${stored.bytes} bytes but ${asset.declaredBytes} were declared; upload the file again.`,
          );
        }
        const bytes = await storage.get(asset.storageKey, { maxBytes: config.maxUploadBytes });
        const image = await inspectUpload(bytes, { maxPixels: config.maxInputPixels });
        const keys = assetKeys(asset.orgId, asset.id);
        await storage.put(keys.display, image.display, "image/webp");
        await storage.put(keys.thumbnail, image.thumbnail, "image/webp");
        await storage.put(keys.blurredThumbnail, image.blurredThumbnail, "image/webp");
        const threshold = await moderationThresholdPercent(db, asset.orgId);
        const { moderation, reviewStatus } = await moderateImage(image.display, pipelineEnv, threshold, log);
        const { mediaType, width, height, sha256 } = image;
        update = {
          status: "ready",
          mediaType,
          width,
          height,
          bytes: image.bytes,
          sha256,
          moderation,
          reviewStatus,
        };
      } catch (err) {
        if (!(err instanceof AppError) || err.code === "INTERNAL") throw err;
        update = {
          status: "rejected",
          rejectionCode: err.code,
          rejectionMessage: err.message,
          bytes: stored.bytes,
        };
      }
      // The asset's new state and its webhook deliveries commit together.
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(schema.assets)
          .set({ ...update, updatedAt: new Date() })
          .where(and(eq(schema.assets.id, asset.id), eq(schema.assets.status, "uploading")))
          .returning();
        if (updated) {
          await enqueueWebhookEvent(tx, {
            orgId: updated.orgId,
            type: updated.status === "ready" ? "asset.ready" : "asset.rejected",
            data: assetEventData(updated),
          });
        }
        return updated;
      });
      if (row) ctx.services.webhooks.kick();
      if (!row)
        return toAssetView(
          storage,
          (await db.select().from(schema.assets).where(eq(schema.assets.id, asset.id)))[0]!,
        );
      const view = await toAssetView(storage, row);
      await bus.appendEvent(asset.projectId, {
        type: row.status === "ready" ? "asset.ready" : "asset.rejected",
        asset: view,
      });
      return view;
    }),
});

/** An asset event's `data` for webhooks: ids and plain values, no expiring URLs. */
function assetEventData(row: typeof schema.assets.$inferSelect): Record<string, unknown> {
  return {
    id: row.id,
    projectId: row.projectId,
    status: row.status,
    filename: row.filename,
    mediaType: row.mediaType,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    rejection: row.status === "rejected" ? { code: row.rejectionCode, message: row.rejectionMessage } : null,
  };
}
