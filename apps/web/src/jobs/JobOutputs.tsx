import { isWithheld, type JobOutputView } from "@atelier/shared";
import { useAction } from "../api/useAction.ts";
import { FormError } from "../components/FormError.tsx";
import type { UndoOffer } from "../components/UndoToast.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { formatBytes } from "../components/format.ts";
import { downloadAll } from "./downloadAll.ts";
import { ModelViewer } from "./ModelViewer.tsx";
import { PrintReportPanel } from "./PrintReportPanel.tsx";

/** A job's results: a thumbnail and a download link per output, and all of them as one ZIP. */
interface JobOutputsProps {
  jobId: string;
  outputs: JobOutputView[];
  archiveName: string;
  canDelete: boolean;
  offerUndo(offer: UndoOffer): void;
}

export function JobOutputs({ jobId, outputs, archiveName, canDelete, offerUndo }: JobOutputsProps) {
  const client = useApi();
  const zip = useAction(() => downloadAll(outputs, archiveName));
  const remove = useAction((output: JobOutputView) =>
    client.jobs.deleteOutput.mutate({ jobId, outputId: output.id }).then(({ undoUntil }) =>
      offerUndo({
        message: `Deleted ${output.fileName}`,
        until: undoUntil,
        undo: () => client.jobs.restoreOutput.mutate({ jobId, outputId: output.id }),
      }),
    ),
  );
  if (outputs.length === 0) return null;
  const downloadable = outputs.filter((o) => o.url !== null);
  const model = outputs.find((o) => o.mediaType === "model/gltf-binary" && o.url);
  const report = outputs.find((o) => o.name.startsWith("print-report") && o.url);
  return (
    <div className="job-outputs">
      {model?.url && (
        <div className="figurine-view">
          <ModelViewer url={model.url} label={`3D view of ${model.fileName}`} />
          {report?.url && <PrintReportPanel url={report.url} />}
        </div>
      )}
      <ul className="job-output-list" aria-label="Outputs">
        {outputs.map((output) => {
          const { fileName } = output;
          const withheld = isWithheld(output.moderation.status);
          return (
            <li key={output.id} className="job-output" data-review={output.moderation.status}>
              {withheld ? (
                <span className="job-output-thumb job-output-withheld">
                  {output.moderation.status === "held" ? "Held for review" : "Rejected"}
                </span>
              ) : output.thumbnailUrl ? (
                <img src={output.thumbnailUrl} alt={fileName} loading="lazy" className="job-output-thumb" />
              ) : (
                <span className="job-output-thumb job-output-file" aria-hidden="true">
                  {output.mediaType.split("/")[1]?.toUpperCase() ?? "FILE"}
                </span>
              )}
              <span className="job-output-name" title={fileName}>
                {fileName}
              </span>
              <span className="muted">
                {output.width && output.height ? `${output.width}×${output.height} · ` : ""}
                {formatBytes(output.bytes)}
              </span>
              <span className="job-output-actions">
                {output.url && (
                  <a
                    className="button button-small"
                    href={output.url}
                    download={fileName}
                    aria-label={`Download ${fileName}`}
                  >
                    Download
                  </a>
                )}
                {canDelete && (
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    onClick={() => void remove.run(output)}
                    aria-label={`Delete ${fileName}`}
                  >
                    Delete
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {downloadable.length > 0 && (
        <button
          type="button"
          className="button button-small"
          onClick={() => void zip.run()}
          disabled={zip.pending}
        >
          {zip.pending ? "Preparing ZIP…" : `Download all (${downloadable.length}) as ZIP`}
        </button>
      )}
      <FormError message={zip.error ?? remove.error} />
    </div>
  );
}
