import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useApi } from "../session/SessionContext.tsx";
import { RefreshableHeading } from "./RefreshableHeading.tsx";

/** The organization's jobs that failed every attempt, each attempt's error, and a way to run them again. */
export function DeadLettersAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const letters = useResource(() => client.admin.deadLetters.query({ orgId }), orgId);
  const requeue = useAction(async (deadLetterId: string) => {
    await client.admin.requeue.mutate({ orgId, deadLetterId });
    letters.reload();
  });
  return (
    <section className="panel" aria-labelledby="dead-heading">
      <RefreshableHeading
        id="dead-heading"
        title="Dead letters"
        onRefresh={letters.reload}
        refreshing={letters.loading}
      />
      <FormError message={letters.error ?? requeue.error} />
      {letters.data?.length === 0 && (
        <p className="empty">No failed jobs. Everything ran or is still running.</p>
      )}
      <ul className="dead-list" aria-label="Dead letters">
        {(letters.data ?? []).map((letter) => (
          <li key={letter.id} className="dead-letter" data-job-id={letter.jobId}>
            <header className="node-header">
              <strong>{letter.preset ?? "Custom pipeline"}</strong>
              <span className="muted">
                {letter.reason === "delivery_limit" ? "delivery limit reached" : "failed"} ·{" "}
                {new Date(letter.deadAt).toLocaleString()}
              </span>
            </header>
            <p className="muted">
              Job <code>{letter.jobId.slice(0, 8)}</code> in{" "}
              <Link to={pathOf({ name: "project", projectId: letter.projectId })}>its project</Link>
            </p>
            <ol className="attempt-list" aria-label="Attempts">
              {letter.errors.map((e) => (
                <li key={`${e.attempt}-${e.at}`}>
                  <span className="muted">Attempt {e.attempt}</span> <code>{e.code}</code> {e.message}
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="button button-small"
              onClick={() => void requeue.run(letter.id)}
              disabled={requeue.pending}
              aria-label={`Requeue job ${letter.jobId.slice(0, 8)}`}
            >
              Requeue
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
