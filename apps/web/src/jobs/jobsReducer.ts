import type { JobStatus, JobStepView, JobView, ProjectEvent } from "@atelier/shared";

/** The latest preview a job's steps reported, as a data URL ready for an <img>. */
export interface JobPreview {
  src: string;
  step: string;
  width: number;
  height: number;
}

export interface JobEntry extends JobView {
  preview: JobPreview | null;
  /** When a retry is scheduled (job.retrying), and why the last attempt failed. */
  retryAt: string | null;
}

/** A project's jobs as this tab knows them: `jobs.list` merged with the live stream. */
export interface JobsState {
  byId: Record<string, JobEntry>;
  listed: boolean;
  /** Deleted while this tab watched: late copies do not bring them back. */
  deleted: Record<string, true>;
}

export type JobsAction =
  | { type: "listed"; jobs: JobView[] }
  | { type: "event"; event: ProjectEvent }
  /** A fresh copy returned by this tab's own call (create, cancel, retry). */
  | { type: "refreshed"; job: JobView };

export const initialJobsState: JobsState = { byId: {}, listed: false, deleted: {} };

export function jobsReducer(state: JobsState, action: JobsAction): JobsState {
  switch (action.type) {
    case "listed": {
      const byId = { ...state.byId };
      for (const job of action.jobs) if (!state.deleted[job.id]) byId[job.id] = mergeView(byId[job.id], job);
      return { ...state, byId, listed: true };
    }
    case "refreshed":
      if (state.deleted[action.job.id]) return state;
      return put(state, mergeView(state.byId[action.job.id], action.job));
    case "event":
      return applyEvent(state, action.event);
  }
}

/** Newest first. */
export function sortedJobs(state: JobsState): JobEntry[] {
  return Object.values(state.byId).sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  );
}

export function isActive(status: JobStatus): boolean {
  return status === "queued" || status === "running";
}

function applyEvent(state: JobsState, event: ProjectEvent): JobsState {
  if (event.type === "output.reviewed") {
    const job = state.byId[event.jobId];
    if (!job) return state;
    const outputs = job.outputs.map((o) => (o.id === event.output.id ? event.output : o));
    return put(state, { ...job, outputs });
  }
  if (!event.type.startsWith("job.") || !("jobId" in event)) return state;
  if (event.type === "job.deleted") {
    const { [event.jobId]: _gone, ...byId } = state.byId;
    return { ...state, byId, deleted: { ...state.deleted, [event.jobId]: true } };
  }
  if (event.type === "job.restored") {
    const { [event.jobId]: _back, ...deleted } = state.deleted;
    return put({ ...state, deleted }, mergeView(state.byId[event.jobId], event.job));
  }
  if (state.deleted[event.jobId]) return state;
  if (event.type === "job.queued") return put(state, mergeView(state.byId[event.jobId], event.job));
  const job = state.byId[event.jobId];
  // An event for a job this tab has not listed yet (e.g. it joined mid-run): the next list brings it.
  if (!job) return state;
  switch (event.type) {
    case "job.claimed":
      if (event.attempt < job.attempt || !isActive(job.status)) return state;
      return put(state, {
        ...job,
        status: "running",
        nodeId: event.nodeId,
        attempt: event.attempt,
        startedAt: job.startedAt ?? new Date().toISOString(),
        retryAt: null,
      });
    case "job.step.started":
      if (!isActive(job.status)) return state;
      return put(state, {
        ...job,
        status: "running",
        steps: withStep(job.steps, event.index, event.step, {
          status: "running",
          startedAt: new Date().toISOString(),
        }),
      });
    case "job.progress":
      if (!isActive(job.status)) return state;
      return put(state, {
        ...job,
        status: "running",
        progress: Math.max(job.progress, event.overall),
        steps: withStep(job.steps, event.index, event.step, {
          status: "running",
          progress: clamp(event.fraction),
        }),
      });
    case "job.preview":
      return put(state, {
        ...job,
        preview: {
          src: `data:image/webp;base64,${event.webpBase64}`,
          step: event.step,
          width: event.width,
          height: event.height,
        },
      });
    case "job.step.finished":
      if (!isActive(job.status)) return state;
      return put(state, {
        ...job,
        steps: withStep(job.steps, event.index, event.step, {
          status: "succeeded",
          progress: 1,
          finishedAt: new Date().toISOString(),
        }),
      });
    case "job.succeeded":
      return put(state, {
        ...job,
        status: "succeeded",
        progress: 1,
        error: null,
        outputs: event.outputs,
        steps: job.steps.map((s) => ({ ...s, status: "succeeded", progress: 1 })),
        finishedAt: job.finishedAt ?? new Date().toISOString(),
      });
    case "job.failed":
      if (event.attempt < job.attempt) return state;
      return put(state, {
        ...job,
        status: "failed",
        error: event.error,
        steps: job.steps.map((s) => (s.status === "running" ? { ...s, status: "failed" } : s)),
        finishedAt: job.finishedAt ?? new Date().toISOString(),
        retryAt: null,
      });
    case "job.cancelled":
      if (!isActive(job.status)) return state;
      return put(state, {
        ...job,
        status: "cancelled",
        finishedAt: job.finishedAt ?? new Date().toISOString(),
      });
    case "job.output.deleted":
      return put(state, { ...job, outputs: job.outputs.filter((o) => o.id !== event.outputId) });
    case "job.output.restored":
      if (job.outputs.some((o) => o.id === event.output.id)) return state;
      return put(state, { ...job, outputs: [...job.outputs, event.output] });
    case "job.retrying":
      return put(state, {
        ...job,
        status: "queued",
        attempt: Math.max(job.attempt, event.attempt),
        error: event.error,
        progress: 0,
        nodeId: null,
        retryAt: event.at,
        steps: job.steps.map((s) => ({ ...s, status: "pending", progress: 0 })),
      });
  }
}

const statusRank: Record<JobStatus, number> = {
  queued: 0,
  running: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
};

/**
 * The list and the stream overlap and arrive in either order. A job only moves forward within an
 * attempt (queued → running → finished) and a retry starts a higher attempt, so the copy further
 * along wins; a tie keeps the live copy, whose step progress is fresher than the stored one.
 */
function mergeView(existing: JobEntry | undefined, incoming: JobView): JobEntry {
  if (!existing) return { ...incoming, preview: null, retryAt: null };
  const order =
    incoming.attempt - existing.attempt || statusRank[incoming.status] - statusRank[existing.status];
  if (order < 0) return existing;
  if (order === 0 && !isActive(existing.status)) {
    return { ...existing, outputs: incoming.outputs.length ? incoming.outputs : existing.outputs };
  }
  if (order === 0) return { ...existing, nodeId: existing.nodeId ?? incoming.nodeId };
  const sameAttempt = incoming.attempt === existing.attempt;
  return {
    ...incoming,
    preview: sameAttempt ? existing.preview : null,
    retryAt: isActive(incoming.status) ? existing.retryAt : null,
  };
}

function withStep(
  steps: JobStepView[],
  index: number,
  name: string,
  change: Partial<JobStepView>,
): JobStepView[] {
  const found = steps.some((s) => s.index === index);
  const list: JobStepView[] = found
    ? steps
    : [
        ...steps,
        {
          index,
          step: name,
          status: "pending",
          progress: 0,
          expectedMs: null,
          startedAt: null,
          finishedAt: null,
        },
      ];
  return list.map((s) => (s.index === index ? { ...s, ...change } : s)).sort((a, b) => a.index - b.index);
}

function put(state: JobsState, job: JobEntry): JobsState {
  if (state.byId[job.id] === job) return state;
  return { ...state, byId: { ...state.byId, [job.id]: job } };
}

function clamp(fraction: number): number {
  return Math.min(1, Math.max(0, fraction));
}
