import { type Database, inArray, lt, schema } from "@atelier/db";
import type { JobLifecycle } from "@atelier/jobs";
import { DELETE_UNDO_MS, type Logger } from "@atelier/shared";
import type { ObjectStorage } from "@atelier/storage";
import { assetKeys } from "../assets/assetView.ts";

export interface PurgeSweeper {
  /** One pass now (tests, shutdown); resolves when it is done. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What people deleted, gone for good once its undo window has passed: assets' originals, display
 * copies, thumbnails and export renditions, jobs' and outputs' files, then their rows. Safe on several servers at once
 * (a second delete of a missing file or row does nothing).
 */
export function startPurgeSweeper(options: {
  db: Database;
  storage: ObjectStorage;
  lifecycle: JobLifecycle;
  log: Logger;
  intervalMs?: number;
}): PurgeSweeper {
  const { db, storage, lifecycle, log } = options;
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    await lifecycle.deletion.purgeDeleted();
    const dead = await db
      .select()
      .from(schema.assets)
      .where(lt(schema.assets.deletedAt, new Date(Date.now() - DELETE_UNDO_MS)))
      .limit(200);
    if (dead.length === 0) return;
    for (const asset of dead) {
      const keys = assetKeys(asset.orgId, asset.id);
      for (const key of [
        asset.storageKey,
        keys.display,
        keys.thumbnail,
        keys.blurredThumbnail,
        ...asset.exportKeys,
      ]) {
        await storage.delete(key);
      }
    }
    await db.delete(schema.assets).where(
      inArray(
        schema.assets.id,
        dead.map((a) => a.id),
      ),
    );
    log.info({ assets: dead.length }, "deleted assets purged");
  };
  const runOnce = () => {
    running = running.then(pass).catch((err: unknown) => log.warn({ err }, "purge of deleted items failed"));
    return running;
  };
  const timer = setInterval(() => void runOnce(), options.intervalMs ?? Math.ceil(DELETE_UNDO_MS / 2));
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
