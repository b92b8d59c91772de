import { isInputErrorCode, type JobStatus, type JobView } from "@atelier/shared";
import { useAction } from "../api/useAction.ts";
import { FormError } from "../components/FormError.tsx";
import type { UndoOffer } from "../components/UndoToast.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { JobOutputs } from "./JobOutputs.tsx";
import { formatDuration, jobClock } from "./jobClock.ts";
import { useNow } from "./useNow.ts";
import { isActive, type JobEntry } from "./jobsReducer.ts";

const statusLabels: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

interface JobCardProps {
  job: JobEntry;
  /** Asset id → file name, to say what the job works on. */
  assetNames: Record<string, string>;
  canControl: boolean;
  canDelete: boolean;
  offerUndo(offer: UndoOffer): void;
  onChanged(job: JobView): void;
}

export function jobTitle(job: JobView): string {
  return job.preset ?? job.steps.map((s) => s.step).join(" → ") ?? "Pipeline";
}

/** One job, live: status, node, each step's progress, the latest preview, errors, controls and outputs. */
export function JobCard({ job, assetNames, canControl, canDelete, offerUndo, onChanged }: JobCardProps) {
  const client = useApi();
  const cancel = useAction(() => client.jobs.cancel.mutate({ jobId: job.id }).then(onChanged));
  const retry = useAction(() => client.jobs.retry.mutate({ jobId: job.id }).then(onChanged));
  const title = jobTitle(job);
  // A running job is cancelled by the server before it goes; undo brings it back cancelled.
  const remove = useAction(() =>
    client.jobs.delete.mutate({ jobId: job.id }).then(({ undoUntil }) =>
      offerUndo({
        message: `Deleted the ${title} job`,
        until: undoUntil,
        undo: () => client.jobs.restore.mutate({ jobId: job.id }),
      }),
    ),
  );
  const subject =
    job.assetIds.length === 1 ? (assetNames[job.assetIds[0]!] ?? "1 image") : `${job.assetIds.length} images`;
  // A small rendition of the first image; held outputs have none.
  const firstImage = job.outputs.find((o) => o.thumbnailUrl);
  const preview =
    job.preview?.src ?? (job.status === "succeeded" ? (firstImage?.thumbnailUrl ?? undefined) : undefined);
  const active = isActive(job.status);
  const now = useNow(job.status === "running" ? 1000 : null);
  const clock = jobClock(job, now);
  // The same parameters and images would fail the same way: a new job is the way on, not a retry.
  const retryable =
    job.status === "cancelled" || (job.status === "failed" && !isInputErrorCode(job.error?.code ?? ""));

  return (
    <li className={`job-card job-${job.status}`} data-job-id={job.id} data-status={job.status}>
      <article aria-label={`Job ${title} on ${subject}`}>
        <header className="job-header">
          <div className="job-title">
            <strong>{title}</strong>
            <span className="muted" title={job.assetIds.map((id) => assetNames[id] ?? id).join(", ")}>
              {subject}
            </span>
          </div>
          <span className={`job-status status-${job.status}`} role="status">
            {statusLabels[job.status]}
            {job.status === "running" ? ` ${Math.round(job.progress * 100)}%` : ""}
          </span>
        </header>
        <p className="job-meta muted">
          {job.nodeId ? (
            <>
              Node <span className="job-node">{job.nodeId}</span>
            </>
          ) : job.status === "queued" ? (
            "Waiting for a node"
          ) : (
            "No node"
          )}
          {job.attempt > 1 && ` · attempt ${job.attempt} of ${job.maxAttempts}`}
          {job.retryAt &&
            job.status === "queued" &&
            ` · retry at ${new Date(job.retryAt).toLocaleTimeString()}`}
        </p>
        {clock.startedAt && (
          <p className="job-times muted" data-left-ms={clock.leftMs ?? undefined}>
            <span>
              Started{" "}
              <time dateTime={clock.startedAt.toISOString()}>{clock.startedAt.toLocaleTimeString()}</time>
            </span>
            {clock.elapsedMs !== null && (
              <span className="job-duration">
                {job.status === "running"
                  ? `${formatDuration(clock.elapsedMs)} so far`
                  : `took ${formatDuration(clock.elapsedMs)}`}
              </span>
            )}
            {clock.leftMs !== null && (
              <span className="job-left">about {formatDuration(Math.max(1000, clock.leftMs))} left</span>
            )}
          </p>
        )}
        <div className="job-body">
          {preview ? (
            <img
              className="job-preview"
              src={preview}
              alt={`Preview of ${title}${job.preview ? ` after ${job.preview.step}` : ""}`}
            />
          ) : (
            <div className="job-preview job-preview-empty" aria-hidden="true" />
          )}
          <ol className="job-steps" aria-label="Steps">
            {job.steps.map((step) => (
              <li key={step.index} className={`job-step step-${step.status}`} data-step-status={step.status}>
                <span className="job-step-name">{step.step}</span>
                <progress
                  max={1}
                  value={step.progress}
                  aria-label={`Progress of step ${step.index + 1}, ${step.step}`}
                />
                <span className="job-step-status muted">{stepLabel(step.status, step.progress, active)}</span>
              </li>
            ))}
          </ol>
        </div>
        {job.error && (
          <p className="job-error">
            <code>{job.error.code}</code> {job.error.message}
          </p>
        )}
        {((canControl && (active || retryable)) || canDelete) && (
          <div className="job-actions">
            {canControl && active && (
              <button
                type="button"
                className="button button-small button-danger"
                onClick={() => void cancel.run()}
                disabled={cancel.pending}
              >
                Cancel job
              </button>
            )}
            {canControl && !active && retryable && (
              <button
                type="button"
                className="button button-small"
                onClick={() => void retry.run()}
                disabled={retry.pending}
              >
                Retry job
              </button>
            )}
            {canDelete && (
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() => void remove.run()}
                disabled={remove.pending}
                aria-label={`Delete job ${title}`}
              >
                Delete job
              </button>
            )}
          </div>
        )}
        <FormError message={cancel.error ?? retry.error ?? remove.error} />
        {job.status === "succeeded" && (
          <JobOutputs
            jobId={job.id}
            outputs={job.outputs}
            archiveName={`${title}-${job.id.slice(0, 8)}.zip`}
            canDelete={canDelete}
            offerUndo={offerUndo}
          />
        )}
      </article>
    </li>
  );
}

function stepLabel(status: string, progress: number, jobActive: boolean): string {
  if (status === "running") return jobActive ? `${Math.round(progress * 100)}%` : "stopped";
  if (status === "pending" && !jobActive) return "not run";
  return status;
}
