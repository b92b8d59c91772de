import type { AssetView } from "@atelier/shared";
import { useMemo } from "react";
import { FormError } from "../components/FormError.tsx";
import type { UndoOffer } from "../components/UndoToast.tsx";
import { JobCard } from "./JobCard.tsx";
import type { ProjectJobs } from "./useProjectJobs.ts";
import "./jobs.css";

interface JobsPanelProps {
  jobs: ProjectJobs;
  assets: AssetView[];
  canControl: boolean;
  /** Whether this person may delete a job (or its outputs) run by `ownerId`. */
  canDelete(ownerId: string | null): boolean;
  offerUndo(offer: UndoOffer): void;
}

/** The project's jobs, newest first, live from the project's stream. */
export function JobsPanel({ jobs, assets, canControl, canDelete, offerUndo }: JobsPanelProps) {
  const assetNames = useMemo(() => Object.fromEntries(assets.map((a) => [a.id, a.filename])), [assets]);
  const running = jobs.jobs.filter((j) => j.status === "running" || j.status === "queued").length;
  return (
    <aside className="jobs-panel" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">
        Jobs{" "}
        <span className="muted">
          ({jobs.jobs.length}
          {running ? `, ${running} active` : ""})
        </span>
      </h2>
      <FormError message={jobs.error} />
      {jobs.jobs.length === 0 ? (
        <p className="empty">
          {jobs.listed ? "No jobs yet. Select images and run a preset." : "Loading jobs…"}
        </p>
      ) : (
        <ul className="job-list" aria-label="Jobs">
          {jobs.jobs.map((job) => (
            <JobCard
              key={job.id}
              job={job}
              assetNames={assetNames}
              canControl={canControl}
              canDelete={canDelete(job.createdBy)}
              offerUndo={offerUndo}
              onChanged={jobs.refreshed}
            />
          ))}
        </ul>
      )}
    </aside>
  );
}
