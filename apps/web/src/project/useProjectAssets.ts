import type { AssetView, ProjectEvent } from "@atelier/shared";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { errorMessage } from "../api/errorMessage.ts";
import type { ApiClient } from "../api/trpcClient.ts";
import { assetsReducer, initialAssetsState, sortedAssets } from "./assetsReducer.ts";

export interface StreamListener {
  onEvent(event: ProjectEvent): void;
  /** The WebSocket came back: what is held in memory may have missed events. */
  onReconnected(): void;
}

export type LiveState = "connecting" | "live" | "reconnecting" | "offline";

export interface ProjectAssets {
  assets: AssetView[];
  listed: boolean;
  error: string | null;
  live: LiveState;
  /** Records a copy of an asset this tab got from its own call. */
  refreshed(asset: AssetView): void;
  /** Fetches the asset again, e.g. when its signed thumbnail URL has expired. */
  refetch(assetId: string): void;
}

/**
 * The project's assets: `assets.list` merged with the live `projects.events` stream.
 * The subscription starts first so nothing that happens during the list call is lost; the
 * last event id is kept across re-subscriptions so a new stream resumes where the old stopped.
 * After the WebSocket reconnects the list is read again: a tab that had not received any
 * event yet has no id to resume from, and the stream only replays after a known id.
 */
export function useProjectAssets(
  client: ApiClient,
  projectId: string,
  /** Others on the page (the jobs panel) that follow the same stream, so it is read once. */
  listener?: StreamListener,
): ProjectAssets {
  const [state, dispatch] = useReducer(assetsReducer, initialAssetsState);
  const listenerRef = useRef(listener);
  listenerRef.current = listener;
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>("connecting");
  const lastEventId = useRef<string | null>(null);
  const refetched = useRef(new Set<string>());

  useEffect(() => {
    let current = true;
    let connectedBefore = false;
    const list = () =>
      client.assets.list.query({ projectId }).then(
        (assets) => current && dispatch({ type: "listed", assets }),
        (err: unknown) => current && setError(errorMessage(err)),
      );
    const subscription = client.projects.events.subscribe(
      { projectId, lastEventId: lastEventId.current },
      {
        onStarted: () => setLive("live"),
        onData: (tracked) => {
          lastEventId.current = tracked.id;
          if (tracked.data.type === "resync") {
            // Events were missed and the stream no longer holds them: read the project's state again.
            void list();
            listenerRef.current?.onReconnected();
            return;
          }
          dispatch({ type: "event", event: tracked.data });
          listenerRef.current?.onEvent(tracked.data);
        },
        onError: (err) => {
          setLive("offline");
          setError(errorMessage(err));
        },
        onConnectionStateChange: (connection) => {
          if (connection.state === "pending") {
            setLive("live");
            if (connectedBefore) {
              void list();
              listenerRef.current?.onReconnected();
            }
            connectedBefore = true;
          } else if (connection.state === "connecting") {
            setLive(connectedBefore ? "reconnecting" : "connecting");
          }
        },
      },
    );
    void list();
    return () => {
      current = false;
      subscription.unsubscribe();
    };
  }, [client, projectId]);

  const refreshed = useCallback((asset: AssetView) => dispatch({ type: "refreshed", asset }), []);
  const refetch = useCallback(
    (assetId: string) => {
      // One retry per asset and page view: a broken image must not turn into a request loop.
      if (refetched.current.has(assetId)) return;
      refetched.current.add(assetId);
      client.assets.get.query({ assetId }).then(refreshed, () => undefined);
    },
    [client, refreshed],
  );

  const assets = useMemo(() => sortedAssets(state), [state]);
  return { assets, listed: state.listed, error, live, refreshed, refetch };
}
