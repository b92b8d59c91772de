import type { PresenceEvent } from "@atelier/shared";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiClient } from "../api/trpcClient.ts";
import { applyPresenceEvent, type PresenceMap, withoutExpired } from "./presenceState.ts";

const heartbeatMs = 10_000;
// At most ~16 updates a second: smooth enough for a pointer, and above the server's 50 ms floor, so the
// last position of a move is never the one it drops.
const cursorIntervalMs = 60;

export interface PresenceWhere {
  selectedAssetId: string | null;
  selection: string | null;
}

export interface Presence {
  people: PresenceMap;
  /** The pointer on the canvas in fractions of the image, or null when it left; sent at most ~16 times a second. */
  moveCursor(cursor: { x: number; y: number } | null): void;
}

/**
 * This person's presence in a project (heartbeat, cursor, what they have selected) and everyone else's,
 * heard on the project's own presence channel (`presence.watch`, apart from the durable event stream).
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
    // Said again shortly after arriving: the previous page's `leave` may reach the others after our first
    // update (two requests race), which would hide us until the next heartbeat.
    const hello = setTimeout(send, 1_500);
    const expiry = setInterval(() => setPeople((p) => withoutExpired(p, Date.now())), 5_000);
    const leave = () => {
      client.presence.leave.mutate({ projectId }).catch(() => undefined);
    };
    window.addEventListener("pagehide", leave);
    return () => {
      clearInterval(heartbeat);
      clearTimeout(hello);
      clearInterval(expiry);
      if (trailing.current) clearTimeout(trailing.current);
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [client, projectId, send]);

  const peopleRef = useRef(people);
  peopleRef.current = people;
  const onEvent = useCallback(
    (event: PresenceEvent) => {
      // Someone new (a late joiner, a reload): answer so they see us now, not at our next heartbeat.
      if (event.type === "presence" && event.userId !== selfId && !peopleRef.current.has(event.userId))
        sendSoon();
      setPeople((p) => applyPresenceEvent(p, event, selfId, Date.now()));
    },
    [selfId, sendSoon],
  );
  useEffect(() => {
    const subscription = client.presence.watch.subscribe({ projectId }, { onData: onEvent });
    return () => subscription.unsubscribe();
  }, [client, projectId, onEvent]);
  const moveCursor = useCallback(
    (next: { x: number; y: number } | null) => {
      cursor.current = next;
      sendSoon();
    },
    [sendSoon],
  );
  return { people, moveCursor };
}
