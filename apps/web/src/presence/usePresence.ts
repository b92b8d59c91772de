import type { ProjectEvent } from "@atelier/shared";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiClient } from "../api/trpcClient.ts";
import { applyPresenceEvent, type PresenceMap, withoutExpired } from "./presenceState.ts";

const heartbeatMs = 10_000;
const cursorIntervalMs = 100;

export interface PresenceWhere {
  selectedAssetId: string | null;
  selection: string | null;
}

export interface Presence {
  people: PresenceMap;
  /** Feed of the project stream. */
  onEvent(event: ProjectEvent): void;
  /** The pointer on the canvas in fractions of the image, or null when it left; sent at most 10 times a second. */
  moveCursor(cursor: { x: number; y: number } | null): void;
}

/**
 * This person's presence in a project (heartbeat, cursor, what they have selected) and everyone else's.
 * `presence.leave` goes out when the page unmounts or the tab is closed.
 */
export function usePresence(
  client: ApiClient,
  projectId: string,
  selfId: string,
  where: PresenceWhere,
): Presence {
  const [people, setPeople] = useState<PresenceMap>(new Map());
  const cursor = useRef<{ x: number; y: number } | null>(null);
  const whereRef = useRef(where);
  whereRef.current = where;
  const lastSentAt = useRef(0);
  const trailing = useRef<ReturnType<typeof setTimeout> | null>(null);

  const send = useCallback(() => {
    if (trailing.current) clearTimeout(trailing.current);
    trailing.current = null;
    lastSentAt.current = Date.now();
    client.presence.update
      .mutate({ projectId, cursor: cursor.current, ...whereRef.current })
      .catch(() => undefined);
  }, [client, projectId]);

  const sendSoon = useCallback(() => {
    const wait = lastSentAt.current + cursorIntervalMs - Date.now();
    if (wait <= 0) send();
    else if (!trailing.current) trailing.current = setTimeout(send, wait);
  }, [send]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new selection is the trigger.
  useEffect(() => sendSoon(), [where.selectedAssetId, where.selection, sendSoon]);

  useEffect(() => {
    const heartbeat = setInterval(send, heartbeatMs);
    const expiry = setInterval(() => setPeople((p) => withoutExpired(p, Date.now())), 5_000);
    const leave = () => {
      client.presence.leave.mutate({ projectId }).catch(() => undefined);
    };
    window.addEventListener("pagehide", leave);
    return () => {
      clearInterval(heartbeat);
      clearInterval(expiry);
      if (trailing.current) clearTimeout(trailing.current);
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [client, projectId, send]);

  const onEvent = useCallback(
    (event: ProjectEvent) => setPeople((p) => applyPresenceEvent(p, event, selfId, Date.now())),
    [selfId],
  );
  const moveCursor = useCallback(
    (next: { x: number; y: number } | null) => {
      cursor.current = next;
      sendSoon();
    },
    [sendSoon],
  );
  return { people, onEvent, moveCursor };
}
