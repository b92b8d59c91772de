import type { ProjectEvent } from "@atelier/shared";
import { useEffect, useRef, useState } from "react";
import type { ApiClient } from "../api/trpcClient.ts";
import { type Presence, usePresence } from "../presence/usePresence.ts";
import { addChanges, type ChangeEntry, ownUndoable } from "./changeLog.ts";
import { type LiveDocumentView, useLiveDocument } from "./useLiveDocument.ts";
import { type StreamState, useProjectStream } from "./useProjectStream.ts";

export interface EditorSession {
  live: LiveDocumentView;
  presence: Presence;
  stream: StreamState;
  /** Who changed what, newest first (history plus live edits). */
  changes: ChangeEntry[];
}

/**
 * One open asset: its live document and the change log, fed by one project stream, and everyone's
 * presence from the presence channel. After a reconnect (or a `resync`: the stream no longer held what
 * was missed) the document is read again and unconfirmed edits go out once more.
 */
export function useEditorSession(
  client: ApiClient,
  projectId: string,
  assetId: string,
  selfId: string,
  selection: string | null,
): EditorSession {
  const live = useLiveDocument(client, assetId);
  const presence = usePresence(client, projectId, selfId, { selectedAssetId: assetId, selection });
  const [changes, setChanges] = useState<ChangeEntry[]>([]);
  const seeded = useRef(false);

  const stream = useProjectStream(client, projectId, {
    onEvent(event: ProjectEvent) {
      if (event.type === "document.op" && event.assetId === assetId) {
        live.remote(event.revision, event.ops, event.clientOpId);
        const at = new Date().toISOString();
        setChanges((log) => addChanges(log, [{ ...event, at }]));
      }
    },
    onReconnected() {
      live.resync();
    },
  });

  useEffect(() => {
    let current = true;
    client.documents.history.query({ assetId, limit: 100 }).then(
      (rows) => current && setChanges((log) => addChanges(log, rows as ChangeEntry[])),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, assetId]);

  // Undo reaches back into earlier sessions once both the document and the history are here.
  const loaded = live.document !== null && changes.some((c) => c.inverse);
  useEffect(() => {
    if (!loaded || seeded.current) return;
    seeded.current = true;
    live.seedUndo(ownUndoable(changes, selfId));
  }, [loaded, changes, selfId, live]);

  return { live, presence, stream, changes };
}
