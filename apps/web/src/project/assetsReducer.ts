import type { AssetView, ProjectEvent } from "@atelier/shared";

/** A project's assets as this tab knows them, keyed by id so replays and overlaps never duplicate. */
export interface AssetsState {
  byId: Record<string, AssetView>;
  /** True once the first `assets.list` answered. */
  listed: boolean;
  /** Deleted while this tab watched: a late copy from a list or an older event does not bring them back. */
  deleted: Record<string, true>;
}

export type AssetsAction =
  | { type: "listed"; assets: AssetView[] }
  | { type: "event"; event: ProjectEvent }
  /** A fresher copy from a call this tab made itself (upload, completion, signed-URL refresh). */
  | { type: "refreshed"; asset: AssetView };

export const initialAssetsState: AssetsState = { byId: {}, listed: false, deleted: {} };

export function assetsReducer(state: AssetsState, action: AssetsAction): AssetsState {
  switch (action.type) {
    case "listed": {
      const byId = { ...state.byId };
      for (const asset of action.assets) {
        if (!state.deleted[asset.id]) byId[asset.id] = newer(byId[asset.id], asset);
      }
      return { ...state, byId, listed: true };
    }
    case "event": {
      const event = action.event;
      // The stream also carries job and member events; the grid only follows assets.
      if (
        event.type === "asset.added" ||
        event.type === "asset.ready" ||
        event.type === "asset.rejected" ||
        event.type === "asset.reviewed"
      ) {
        return withAsset(state, event.asset);
      }
      if (event.type === "asset.deleted") {
        const { [event.assetId]: _gone, ...byId } = state.byId;
        return { ...state, byId, deleted: { ...state.deleted, [event.assetId]: true } };
      }
      if (event.type === "asset.restored") {
        const { [event.asset.id]: _back, ...deleted } = state.deleted;
        return withAsset({ ...state, deleted }, event.asset);
      }
      return state;
    }
    case "refreshed":
      return withAsset(state, action.asset);
  }
}

/** Newest first, so a fresh upload shows at the top. */
export function sortedAssets(state: AssetsState): AssetView[] {
  return Object.values(state.byId).sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
  );
}

function withAsset(state: AssetsState, asset: AssetView): AssetsState {
  if (state.deleted[asset.id]) return state;
  const merged = newer(state.byId[asset.id], asset);
  if (merged === state.byId[asset.id]) return state;
  return { ...state, byId: { ...state.byId, [asset.id]: merged } };
}

// The list and the event stream overlap and may arrive in either order. An asset only moves
// forward (uploading -> ready | rejected), so a copy still "uploading" never replaces a settled one.
function newer(existing: AssetView | undefined, incoming: AssetView): AssetView {
  if (!existing) return incoming;
  if (existing.status !== "uploading" && incoming.status === "uploading") return existing;
  return incoming;
}
