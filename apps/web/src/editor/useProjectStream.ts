import type { ProjectEvent } from "@atelier/shared";
import { useEffect, useRef, useState } from "react";
import type { ApiClient } from "../api/trpcClient.ts";

export type StreamState = "connecting" | "live" | "reconnecting" | "offline";

export interface ProjectStreamHandlers {
  onEvent(event: ProjectEvent): void;
  /**
   * The WebSocket came back after a drop, or the server said `resync` (it no longer held the events
   * missed): state held in memory may be behind, read it again.
   */
  onReconnected(): void;
}

/**
 * One `projects.events` subscription for a page, resumed from the last tracked event id. Handlers are
 * read through a ref so a re-render never re-subscribes.
 */
export function useProjectStream(
  client: ApiClient,
  projectId: string,
  handlers: ProjectStreamHandlers,
): StreamState {
  const [state, setState] = useState<StreamState>("connecting");
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const lastEventId = useRef<string | null>(null);

  useEffect(() => {
    let connectedBefore = false;
    const subscription = client.projects.events.subscribe(
      { projectId, lastEventId: lastEventId.current },
      {
        onStarted: () => setState("live"),
        onData: (tracked) => {
          lastEventId.current = tracked.id;
          if (tracked.data.type === "resync") handlersRef.current.onReconnected();
          else handlersRef.current.onEvent(tracked.data);
        },
        onError: () => setState("offline"),
        onConnectionStateChange: (connection) => {
          if (connection.state === "pending") {
            setState("live");
            if (connectedBefore) handlersRef.current.onReconnected();
            connectedBefore = true;
          } else if (connection.state === "connecting") {
            setState(connectedBefore ? "reconnecting" : "connecting");
          }
        },
      },
    );
    return () => subscription.unsubscribe();
  }, [client, projectId]);
  return state;
}
