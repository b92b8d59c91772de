import type { AssetView } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { assetsReducer, initialAssetsState, sortedAssets } from "./assetsReducer.ts";

function asset(id: string, status: AssetView["status"], createdAt = "2026-01-01T00:00:00.000Z"): AssetView {
  return {
    id,
    projectId: "p",
    filename: `${id}.png`,
    status,
    mediaType: status === "ready" ? "image/png" : null,
    width: null,
    height: null,
    bytes: null,
    sha256: null,
    rejection: status === "rejected" ? { code: "CORRUPT_IMAGE", message: "The image is damaged." } : null,
    url: null,
    thumbnailUrl: null,
    moderation: { status: "passed", scores: null, unsafe: null, reason: null },
    uploadedBy: null,
    createdAt,
  };
}

describe("a project's asset grid", () => {
  it("shows an asset once even when the list and a replayed event both carry it", () => {
    let state = assetsReducer(initialAssetsState, { type: "listed", assets: [asset("a", "ready")] });
    state = assetsReducer(state, {
      type: "event",
      event: { v: 1, type: "asset.ready", asset: asset("a", "ready") },
    });
    expect(sortedAssets(state).map((a) => a.id)).toEqual(["a"]);
  });

  it("keeps an upload's final state when an older 'added' event arrives after it", () => {
    let state = assetsReducer(initialAssetsState, {
      type: "event",
      event: { v: 1, type: "asset.rejected", asset: asset("a", "rejected") },
    });
    state = assetsReducer(state, {
      type: "event",
      event: { v: 1, type: "asset.added", asset: asset("a", "uploading") },
    });
    state = assetsReducer(state, { type: "listed", assets: [asset("a", "uploading")] });
    expect(sortedAssets(state)[0]?.status).toBe("rejected");
  });

  it("moves an upload from uploading to ready live", () => {
    let state = assetsReducer(initialAssetsState, { type: "listed", assets: [] });
    state = assetsReducer(state, {
      type: "event",
      event: { v: 1, type: "asset.added", asset: asset("a", "uploading") },
    });
    state = assetsReducer(state, {
      type: "event",
      event: { v: 1, type: "asset.ready", asset: asset("a", "ready") },
    });
    expect(sortedAssets(state).map((a) => [a.id, a.status])).toEqual([["a", "ready"]]);
  });

  it("lists the newest upload first", () => {
    const state = assetsReducer(initialAssetsState, {
      type: "listed",
      assets: [
        asset("old", "ready", "2026-01-01T00:00:00.000Z"),
        asset("new", "ready", "2026-01-02T00:00:00.000Z"),
      ],
    });
    expect(sortedAssets(state).map((a) => a.id)).toEqual(["new", "old"]);
  });

  it("takes a deleted asset out of the grid and its count, even if a late list still has it", () => {
    let state = assetsReducer(initialAssetsState, { type: "listed", assets: [asset("a", "rejected")] });
    state = assetsReducer(state, {
      type: "event",
      event: { v: 1, type: "asset.deleted", assetId: "a", undoUntil: "2026-01-01T00:00:10Z" },
    });
    expect(sortedAssets(state)).toEqual([]);
    state = assetsReducer(state, { type: "listed", assets: [asset("a", "rejected")] });
    expect(sortedAssets(state)).toEqual([]);
    state = assetsReducer(state, {
      type: "event",
      event: { v: 1, type: "asset.restored", asset: asset("a", "rejected") },
    });
    expect(sortedAssets(state).map((a) => a.id)).toEqual(["a"]);
  });
});
