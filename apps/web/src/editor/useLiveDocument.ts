import type { EditDocumentJson, EditOp } from "@atelier/shared";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorCode, errorMessage } from "../api/errorMessage.ts";
import type { ApiClient } from "../api/trpcClient.ts";
import { type ChangeOptions, LiveDocument } from "./LiveDocument.ts";

const permanentCodes = new Set(["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST", "UNAUTHORIZED"]);

export interface LiveDocumentView {
  document: EditDocumentJson | null;
  revision: number;
  saving: boolean;
  canUndo: boolean;
  canRedo: boolean;
  error: string | null;
  change(ops: EditOp[], options?: ChangeOptions): void;
  undo(): void;
  redo(): void;
  endGesture(): void;
  /** Earlier edits of this person from the operation log (oldest first), so undo reaches past a reload. */
  seedUndo(entries: ReadonlyArray<{ ops: EditOp[]; inverse: EditOp[] }>): void;
  /** Feed of the project stream: `document.op` events of this asset. */
  remote(revision: number, ops: EditOp[], clientOpId: string): void;
  /** Reads the server's document again and resends what it has not applied (after a reconnect). */
  resync(): void;
}

/** The open asset's live document: loaded with `documents.get`, edited through `documents.edit`. */
export function useLiveDocument(client: ApiClient, assetId: string): LiveDocumentView {
  const live = useRef<LiveDocument | null>(null);
  const early = useRef<Array<[number, EditOp[], string]>>([]);
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const rerender = useCallback(() => setVersion((v) => v + 1), []);

  const resync = useCallback(
    (drop?: string) => {
      client.documents.get.query({ assetId }).then(
        ({ document, revision }) => live.current?.resync(document, revision, drop),
        (err: unknown) => setError(errorMessage(err)),
      );
    },
    [client, assetId],
  );

  useEffect(() => {
    let current = true;
    client.documents.get.query({ assetId }).then(
      ({ document, revision }) => {
        if (!current) return;
        const doc = new LiveDocument(document, revision, {
          send: (edit) =>
            client.documents.edit.mutate({
              assetId,
              baseRevision: edit.baseRevision,
              clientOpId: edit.clientOpId,
              ops: edit.ops,
            }),
          onChange: rerender,
          onRejected: (_edit, err) => setError(errorMessage(err)),
          onGap: () => resync(),
          isPermanent: (err) => permanentCodes.has(errorCode(err) ?? ""),
        });
        live.current = doc;
        for (const [rev, ops, id] of early.current) doc.remote(rev, ops, id);
        early.current = [];
        rerender();
      },
      (err: unknown) => current && setError(errorMessage(err)),
    );
    const flushOnHide = () => live.current?.flush();
    window.addEventListener("pagehide", flushOnHide);
    return () => {
      current = false;
      window.removeEventListener("pagehide", flushOnHide);
      live.current?.close();
      live.current = null;
    };
  }, [client, assetId, rerender, resync]);

  const doc = live.current;
  return {
    document: doc?.document ?? null,
    revision: doc?.revision ?? 0,
    saving: doc?.saving ?? false,
    canUndo: doc?.canUndo ?? false,
    canRedo: doc?.canRedo ?? false,
    error,
    change: (ops, options) => {
      setError(null);
      live.current?.change(ops, options);
    },
    undo: () => live.current?.undo(),
    redo: () => live.current?.redo(),
    endGesture: () => live.current?.endGesture(),
    seedUndo: (entries) => live.current?.seedUndo(entries),
    remote: (revision, ops, clientOpId) => {
      if (live.current) live.current.remote(revision, ops, clientOpId);
      else early.current.push([revision, ops, clientOpId]);
    },
    resync: () => resync(),
  };
}
