import type { AssetView } from "@atelier/shared";
import { useCallback, useRef, useState } from "react";
import { errorCode, errorMessage } from "../api/errorMessage.ts";
import { putFile } from "../api/putFile.ts";
import type { ApiClient } from "../api/trpcClient.ts";

export type UploadPhase = "queued" | "uploading" | "checking" | "ready" | "rejected" | "failed";

export interface UploadItem {
  key: string;
  filename: string;
  bytes: number;
  phase: UploadPhase;
  /** 0..1 of the bytes sent. */
  progress: number;
  /** Why it was rejected or failed. */
  message: string | null;
  assetId: string | null;
}

// Two cores on the server and one browser connection pool: a few at a time keeps each bar moving.
const parallelUploads = 3;
const refusedFileCodes = new Set([
  "UNSUPPORTED_MEDIA",
  "FILE_TOO_LARGE",
  "IMAGE_TOO_LARGE",
  "EMPTY_FILE",
  "CORRUPT_IMAGE",
]);

/**
 * Uploads files one row each: `assets.createUpload`, a PUT of the bytes with progress,
 * then `assets.completeUpload`, whose answer says ready or rejected. Every asset the
 * server returns on the way goes to `onAsset`, so the grid does not wait for the event.
 */
export function useUploads(client: ApiClient, projectId: string, onAsset: (asset: AssetView) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const queue = useRef<{ key: string; file: File }[]>([]);
  const running = useRef(0);
  const nextKey = useRef(0);
  const latest = useRef({ client, projectId, onAsset });
  latest.current = { client, projectId, onAsset };

  const update = useCallback((key: string, patch: Partial<UploadItem>) => {
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  }, []);

  const uploadOne = useCallback(
    async (key: string, file: File) => {
      const { client: api, projectId: project, onAsset: report } = latest.current;
      update(key, { phase: "uploading", progress: 0 });
      try {
        const { asset, upload } = await api.assets.createUpload.mutate({
          projectId: project,
          filename: file.name,
          contentType: file.type || "application/octet-stream",
          bytes: file.size,
        });
        update(key, { assetId: asset.id });
        report(asset);
        await putFile(upload, file, (progress) => update(key, { progress }));
        update(key, { phase: "checking", progress: 1 });
        const done = await api.assets.completeUpload.mutate({ assetId: asset.id });
        report(done);
        if (done.status === "ready") update(key, { phase: "ready" });
        else
          update(key, {
            phase: "rejected",
            message: done.rejection?.message ?? "The server refused this file.",
          });
      } catch (err) {
        const code = errorCode(err);
        update(key, {
          phase: code && refusedFileCodes.has(code) ? "rejected" : "failed",
          message: errorMessage(err),
        });
      }
    },
    [update],
  );

  const pump = useCallback(() => {
    while (running.current < parallelUploads) {
      const next = queue.current.shift();
      if (!next) return;
      running.current += 1;
      void uploadOne(next.key, next.file).finally(() => {
        running.current -= 1;
        pump();
      });
    }
  }, [uploadOne]);

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      const added: UploadItem[] = [];
      for (const file of files) {
        nextKey.current += 1;
        const key = `upload-${nextKey.current}`;
        queue.current.push({ key, file });
        added.push({
          key,
          filename: file.name,
          bytes: file.size,
          phase: "queued",
          progress: 0,
          message: null,
          assetId: null,
        });
      }
      if (added.length === 0) return;
      setItems((current) => [...added, ...current]);
      pump();
    },
    [pump],
  );

  const clearFinished = useCallback(() => {
    setItems((current) =>
      current.filter(
        (item) => item.phase === "queued" || item.phase === "uploading" || item.phase === "checking",
      ),
    );
  }, []);

  return { items, addFiles, clearFinished };
}
