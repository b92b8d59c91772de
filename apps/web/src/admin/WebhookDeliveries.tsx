import type { WebhookDeliveryView } from "@atelier/shared";
import { useAction } from "../api/useAction.ts";
import { FormError } from "../components/FormError.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { AdminTable } from "./AdminTable.tsx";
import { RefreshableHeading } from "./RefreshableHeading.tsx";
import { usePolling } from "./usePolling.ts";

const statusLabels: Record<WebhookDeliveryView["status"], string> = {
  pending: "Retrying",
  succeeded: "Delivered",
  failed: "Gave up",
};

function outcome(d: WebhookDeliveryView): string {
  if (d.attempts === 0) return "Waiting";
  return d.lastStatusCode !== null ? String(d.lastStatusCode) : "No answer";
}

/** The delivery log: every message, its last answer, each attempt's code and time, and Replay. */
export function WebhookDeliveries({ orgId, endpointId }: { orgId: string; endpointId?: string }) {
  const client = useApi();
  const deliveries = usePolling(
    () => client.webhooks.deliveries.query({ orgId, endpointId, limit: 50 }),
    `${orgId}:${endpointId ?? "all"}`,
  );
  const replay = useAction(async (deliveryId: string) => {
    await client.webhooks.replay.mutate({ orgId, deliveryId });
    deliveries.reload();
  });
  return (
    <section className="panel" aria-labelledby="deliveries-heading">
      <RefreshableHeading id="deliveries-heading" title="Delivery log" onRefresh={deliveries.reload} />
      <FormError message={deliveries.error ?? replay.error} />
      <AdminTable
        label="Webhook deliveries"
        columns={["Event", "To", "Status", "Response", "Attempts", "Sent"]}
        rowActions
        rows={deliveries.data}
        empty="Nothing sent yet."
        renderRow={(d) => (
          <tr key={d.id} data-status={d.status} data-event={d.eventType}>
            <td>
              <code>{d.eventType}</code>
              {d.replayOf && <span className="muted"> (replay)</span>}
            </td>
            <td className="webhook-url">{d.url}</td>
            <td>{statusLabels[d.status]}</td>
            <td data-label="Response code">
              {outcome(d)}
              {d.lastDurationMs !== null && <span className="muted"> · {d.lastDurationMs} ms</span>}
              {d.lastError && d.status !== "succeeded" && <div className="muted">{d.lastError}</div>}
            </td>
            <td>
              <details>
                <summary>{d.attempts}</summary>
                <ol className="attempt-list" aria-label="Attempts">
                  {d.log.map((a) => (
                    <li key={a.attempt}>
                      {new Date(a.at).toLocaleTimeString()} · {a.statusCode ?? a.error ?? "no answer"} ·{" "}
                      {a.durationMs} ms
                    </li>
                  ))}
                </ol>
                {d.nextAttemptAt && (
                  <p className="muted">Next try {new Date(d.nextAttemptAt).toLocaleTimeString()}</p>
                )}
              </details>
            </td>
            <td>{new Date(d.createdAt).toLocaleString()}</td>
            <td className="admin-row-actions">
              <button
                type="button"
                className="button button-small"
                aria-label={`Replay ${d.eventType} to ${d.url}`}
                disabled={replay.pending}
                onClick={() => void replay.run(d.id)}
              >
                Replay
              </button>
            </td>
          </tr>
        )}
      />
    </section>
  );
}
