import type { UploadItem } from "../project/useUploads.ts";
import { formatBytes } from "./format.ts";

function statusText(item: UploadItem): string {
  switch (item.phase) {
    case "queued":
      return "Waiting…";
    case "uploading":
      return `Uploading ${Math.round(item.progress * 100)}%`;
    case "checking":
      return "Checking the image…";
    case "ready":
      return "Ready";
    case "rejected":
      return `Rejected: ${item.message ?? ""}`;
    case "failed":
      return `Failed: ${item.message ?? ""}`;
  }
}

export function UploadRow({ item }: { item: UploadItem }) {
  const settled = item.phase === "ready" || item.phase === "rejected" || item.phase === "failed";
  return (
    <li className={`upload-row upload-${item.phase}`} data-phase={item.phase} data-filename={item.filename}>
      <div className="upload-file">
        <span className="upload-name">{item.filename}</span>
        <span className="muted">{formatBytes(item.bytes)}</span>
      </div>
      {/* A settled upload says how it ended; a full bar would read as success for a rejected file. */}
      {!settled && (
        <progress
          max={1}
          value={item.phase === "queued" ? 0 : item.progress}
          aria-label={`Upload progress of ${item.filename}`}
        />
      )}
      <p className="upload-status" role={settled ? "status" : undefined}>
        {statusText(item)}
      </p>
    </li>
  );
}
