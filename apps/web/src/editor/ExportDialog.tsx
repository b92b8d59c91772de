import type { ExportFormat } from "@atelier/shared";
import { type FormEvent, useId, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { Dialog } from "../components/Dialog.tsx";
import { FormError } from "../components/FormError.tsx";
import { RangeField } from "../components/RangeField.tsx";
import { useApi } from "../session/SessionContext.tsx";

interface ExportDialogProps {
  open: boolean;
  assetId: string;
  /** Edits still on their way to the server would be missing from the file. */
  saving: boolean;
  onClose(): void;
}

const formats: ReadonlyArray<{ id: ExportFormat; label: string; lossy: boolean }> = [
  { id: "png", label: "PNG (lossless)", lossy: false },
  { id: "jpeg", label: "JPEG", lossy: true },
  { id: "webp", label: "WebP", lossy: true },
  { id: "avif", label: "AVIF", lossy: true },
];

/** The browser's own download of a signed link, named as the server says. */
function startDownload(url: string, filename: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
}

/** "Export…": the edited image at full resolution, in the format chosen, downloaded. */
export function ExportDialog({ open, assetId, saving, onClose }: ExportDialogProps) {
  const client = useApi();
  const [format, setFormat] = useState<ExportFormat>("png");
  const [quality, setQuality] = useState(85);
  const formatId = useId();
  const lossy = formats.find((f) => f.id === format)?.lossy ?? false;

  const exportImage = useAction(async () => {
    const exported = await client.assets.export.query({
      assetId,
      format,
      ...(lossy ? { quality } : {}),
    });
    startDownload(exported.url, exported.filename);
    onClose();
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void exportImage.run();
  };

  return (
    <Dialog open={open} title="Export image" onClose={onClose}>
      <form aria-label="Export image" onSubmit={onSubmit}>
        <p className="muted">The image with every edit, at the full resolution of the original.</p>
        <div className="field">
          <label htmlFor={formatId}>Format</label>
          <select id={formatId} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {formats.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        {lossy && <RangeField label="Quality" min={1} max={100} value={quality} onChange={setQuality} />}
        {saving && <p className="field-hint">Waiting for your last change to be saved…</p>}
        <FormError message={exportImage.error} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={saving || exportImage.pending}>
            {exportImage.pending ? "Rendering…" : "Download"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
