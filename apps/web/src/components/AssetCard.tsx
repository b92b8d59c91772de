import { type AssetView, isWithheld } from "@atelier/shared";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { formatBytes } from "./format.ts";

interface AssetCardProps {
  asset: AssetView;
  onImageError(): void;
  /** Present when ready assets can be selected (to run a preset on them). */
  selection?: { selected: boolean; toggle(): void } | undefined;
  /** Present when this person may delete the asset. */
  onDelete?: (() => void) | undefined;
}

export function AssetCard({ asset, onImageError, selection, onDelete }: AssetCardProps) {
  const src = asset.thumbnailUrl ?? asset.url;
  const selected = selection?.selected === true;
  const withheld = isWithheld(asset.moderation.status);
  return (
    <li
      className={`asset-card asset-${asset.status}${selected ? " asset-selected" : ""}`}
      data-asset-id={asset.id}
      data-status={asset.status}
      data-review={asset.moderation.status}
    >
      {selection && asset.status === "ready" && !withheld && (
        <label className="asset-select" title={`Select ${asset.filename}`}>
          <input
            type="checkbox"
            checked={selected}
            onChange={selection.toggle}
            aria-label={`Select ${asset.filename}`}
          />
        </label>
      )}
      <div className="asset-thumb">
        {asset.status === "ready" && src ? (
          <img
            src={src}
            alt={asset.filename}
            loading="lazy"
            onError={onImageError}
            className={withheld ? "asset-withheld" : undefined}
          />
        ) : asset.status === "rejected" ? (
          <span className="asset-placeholder" aria-hidden="true">
            ⚠
          </span>
        ) : (
          <span className="asset-placeholder">Uploading…</span>
        )}
      </div>
      <div className="asset-meta">
        {asset.status === "ready" && !withheld ? (
          <Link
            className="asset-name"
            title={`Edit ${asset.filename}`}
            to={pathOf({ name: "asset", projectId: asset.projectId, assetId: asset.id })}
          >
            {asset.filename}
          </Link>
        ) : (
          <span className="asset-name" title={asset.filename}>
            {asset.filename}
          </span>
        )}
        {asset.status === "ready" && (
          <span className="muted">
            {asset.width && asset.height ? `${asset.width}×${asset.height}` : ""}
            {asset.bytes ? ` · ${formatBytes(asset.bytes)}` : ""}
          </span>
        )}
        {asset.status === "rejected" && <span className="asset-rejection">{asset.rejection?.message}</span>}
        {asset.moderation.status === "held" && <span className="asset-review">Held for review</span>}
        {asset.moderation.status === "rejected" && (
          <span className="asset-review">
            Rejected in review{asset.moderation.reason ? `: ${asset.moderation.reason}` : ""}
          </span>
        )}
      </div>
      {onDelete && asset.status !== "uploading" && (
        <button
          type="button"
          className="asset-delete button button-small button-quiet"
          onClick={onDelete}
          aria-label={`Delete ${asset.filename}`}
          title={`Delete ${asset.filename}`}
        >
          Delete
        </button>
      )}
    </li>
  );
}
