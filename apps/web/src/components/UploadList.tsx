import type { UploadItem } from "../project/useUploads.ts";
import { UploadRow } from "./UploadRow.tsx";

export function UploadList({ items, onClearFinished }: { items: UploadItem[]; onClearFinished(): void }) {
  if (items.length === 0) return null;
  const finished = items.some(
    (item) => item.phase === "ready" || item.phase === "rejected" || item.phase === "failed",
  );
  return (
    <section className="uploads" aria-labelledby="uploads-heading">
      <div className="section-heading">
        <h2 id="uploads-heading">Uploads</h2>
        {finished && (
          <button type="button" className="button button-small" onClick={onClearFinished}>
            Clear finished
          </button>
        )}
      </div>
      <ul className="upload-list" aria-label="Uploads">
        {items.map((item) => (
          <UploadRow key={item.key} item={item} />
        ))}
      </ul>
    </section>
  );
}
