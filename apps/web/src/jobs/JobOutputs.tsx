import type { JobOutputView } from "@atelier/shared";
import { useAction } from "../api/useAction.ts";
import { FormError } from "../components/FormError.tsx";
import { formatBytes } from "../components/format.ts";
import { downloadAll } from "./downloadAll.ts";
import { outputFileName } from "./outputFileName.ts";

/** A job's results: a thumbnail and a download link per output, and all of them as one ZIP. */
export function JobOutputs({ outputs, archiveName }: { outputs: JobOutputView[]; archiveName: string }) {
  const zip = useAction(() => downloadAll(outputs, archiveName));
  if (outputs.length === 0) return null;
  return (
    <div className="job-outputs">
      <ul className="job-output-list" aria-label="Outputs">
        {outputs.map((output) => {
          const fileName = outputFileName(output);
          return (
            <li key={output.id} className="job-output">
              {output.mediaType.startsWith("image/") ? (
                <img src={output.url} alt={fileName} loading="lazy" className="job-output-thumb" />
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
              <a
                className="button button-small"
                href={output.url}
                download={fileName}
                aria-label={`Download ${fileName}`}
              >
                Download
              </a>
            </li>
          );
        })}
      </ul>
      {outputs.length > 0 && (
        <button
          type="button"
          className="button button-small"
          onClick={() => void zip.run()}
          disabled={zip.pending}
        >
          {zip.pending ? "Preparing ZIP…" : `Download all (${outputs.length}) as ZIP`}
        </button>
      )}
      <FormError message={zip.error} />
    </div>
  );
}
