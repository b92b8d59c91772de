import type { AssetView } from "@atelier/shared";
import { AssetCard } from "./AssetCard.tsx";

interface AssetGridProps {
  assets: AssetView[];
  listed: boolean;
  onImageError(assetId: string): void;
  /** Selected asset ids and how to toggle one; without it the cards cannot be selected. */
  selection?: { selected: ReadonlySet<string>; toggle(assetId: string): void };
  /** Whether this person may delete an asset, and how. */
  deletable?: { allowed(asset: AssetView): boolean; remove(asset: AssetView): void };
}

export function AssetGrid({ assets, listed, onImageError, selection, deletable }: AssetGridProps) {
  return (
    <section aria-labelledby="assets-heading">
      <h2 id="assets-heading">
        Assets <span className="muted">({assets.length})</span>
      </h2>
      {assets.length === 0 ? (
        <p className="empty">{listed ? "No images yet. Upload some above." : "Loading assets…"}</p>
      ) : (
        <ul className="asset-grid" aria-label="Assets">
          {assets.map((asset) => (
            <AssetCard
              key={asset.id}
              asset={asset}
              onImageError={() => onImageError(asset.id)}
              selection={
                selection && {
                  selected: selection.selected.has(asset.id),
                  toggle: () => selection.toggle(asset.id),
                }
              }
              onDelete={deletable?.allowed(asset) ? () => deletable.remove(asset) : undefined}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
