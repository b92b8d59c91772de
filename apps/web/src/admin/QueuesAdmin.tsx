import { useState } from "react";
import { CheckboxField } from "../components/CheckboxField.tsx";
import { FormError } from "../components/FormError.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { AdminTable } from "./AdminTable.tsx";
import { usePolling } from "./usePolling.ts";

/** An organization's own jobs waiting and running, per priority class; read every 2 s. */
export function OrgJobsAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const jobs = usePolling(() => client.admin.orgJobs.query({ orgId }), orgId);
  return (
    <section className="panel" aria-labelledby="org-jobs-heading">
      <h2 id="org-jobs-heading">Your jobs in the queues</h2>
      <p className="muted">
        Only your organization's jobs. The installation's operator sees every queue. Updated every 2 seconds.
      </p>
      <FormError message={jobs.error} />
      <AdminTable
        label="Your jobs"
        columns={["Priority", "Status", "Jobs"]}
        rows={jobs.data}
        empty="No job of yours is waiting or running."
        renderRow={(r) => (
          <tr key={`${r.priority}-${r.status}`}>
            <td>{r.priority}</td>
            <td>{r.status}</td>
            <td>{r.count}</td>
          </tr>
        )}
      />
    </section>
  );
}

/** Every job stream: how many entries wait and how many are delivered but not yet done; read every 2 s. */
export function QueuesAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const queues = usePolling(() => client.admin.queues.query(), orgId);
  const [showEmpty, setShowEmpty] = useState(false);
  const all = queues.data?.streams ?? [];
  const streams = showEmpty ? all : all.filter((s) => s.depth > 0 || s.pending > 0);
  const peak = Math.max(1, ...streams.map((s) => s.depth));
  return (
    <section className="panel" aria-labelledby="queues-heading">
      <h2 id="queues-heading">Queues</h2>
      <p className="muted">Shared by the whole installation. Updated every 2 seconds.</p>
      <FormError message={queues.error} />
      {queues.data && (
        <p className="queue-summary">
          <span>
            Dead letters: <strong>{queues.data.deadLetters}</strong>
          </span>
          <span>
            Retries due: <strong>{queues.data.dueRetries}</strong>
          </span>
        </p>
      )}
      <CheckboxField label="Show empty streams" checked={showEmpty} onChange={setShowEmpty} />
      <AdminTable
        label="Streams"
        columns={["Stream", "Priority", "VRAM tier", "Depth", "Pending"]}
        rows={queues.data ? streams : undefined}
        empty={`All ${all.length} streams are empty: every queued job has been taken by a node.`}
        renderRow={(s) => (
          <tr key={s.stream} data-stream={s.stream}>
            <td>
              <code>{s.stream}</code>
            </td>
            <td>{s.priority}</td>
            <td>{s.tier === 0 ? "CPU" : `${s.tier} GiB`}</td>
            <td>
              <span className="queue-cell">
                <meter min={0} max={peak} value={s.depth} aria-label={`Depth of ${s.stream}`} />
                {s.depth}
              </span>
            </td>
            <td>{s.pending}</td>
          </tr>
        )}
      />
    </section>
  );
}
