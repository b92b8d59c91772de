import type { PresenceMap } from "./presenceState.ts";

/** Other people's pointers on the same image, placed in fractions of the image (so any zoom agrees). */
export function RemoteCursors({ people, assetId }: { people: PresenceMap; assetId: string }) {
  return (
    <>
      {[...people.values()]
        .filter((p) => p.selectedAssetId === assetId && p.cursor)
        .map((p) => (
          <div
            key={p.userId}
            className="remote-cursor"
            data-user-name={p.name}
            style={{ left: `${p.cursor!.x * 100}%`, top: `${p.cursor!.y * 100}%`, color: p.colour }}
            aria-hidden="true"
          >
            <svg width="16" height="20" viewBox="0 0 16 20" role="presentation">
              <path d="M1 1 L1 17 L5 13 L8 19 L11 18 L8 12 L14 12 Z" fill="currentColor" stroke="white" />
            </svg>
            <span className="remote-cursor-name" style={{ backgroundColor: p.colour }}>
              {p.name}
            </span>
          </div>
        ))}
    </>
  );
}
