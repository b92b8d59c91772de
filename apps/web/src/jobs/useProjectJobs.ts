import type { JobView, ProjectEvent } from "@atelier/shared";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { errorMessage } from "../api/errorMessage.ts";
import type { ApiClient } from "../api/trpcClient.ts";
import { initialJobsState, type JobEntry, jobsReducer, sortedJobs } from "./jobsReducer.ts";

export interface ProjectJobs {
  jobs: JobEntry[];
  listed: boolean;
  error: string | null;
  /** Feed these from the page's one `projects.events` subscription. */
  stream: { onEvent(event: ProjectEvent): void; onReconnected(): void };
  /** Records a copy this tab got from its own call (create, cancel, retry). */
  refreshed(job: JobView): void;
}

/**
 * The project's jobs: `jobs.list` on load and after every reconnect, merged with the live
 * job events the page's stream hands over (see jobsReducer for how they reconcile).
 */
export function useProjectJobs(client: ApiClient, projectId: string): ProjectJobs {
  const [state, dispatch] = useReducer(jobsReducer, initialJobsState);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);

  const list = useCallback(() => {
    client.jobs.list.query({ projectId, limit: 50 }).then(
      (jobs) => {
        if (!mounted.current) return;
        dispatch({ type: "listed", jobs });
        setError(null);
      },
      (err: unknown) => mounted.current && setError(errorMessage(err)),
    );
  }, [client, projectId]);

  useEffect(() => {
    mounted.current = true;
    list();
    return () => {
      mounted.current = false;
    };
  }, [list]);

  const stream = useMemo(
    () => ({
      onEvent: (event: ProjectEvent) => {
        if (event.type.startsWith("job.")) dispatch({ type: "event", event });
      },
      onReconnected: list,
    }),
    [list],
  );
  const refreshed = useCallback((job: JobView) => dispatch({ type: "refreshed", job }), []);
  const jobs = useMemo(() => sortedJobs(state), [state]);
  return { jobs, listed: state.listed, error, stream, refreshed };
}
