import { WEBHOOK_EVENT_TYPES, type WebhookEndpointView, type WebhookEventType } from "@atelier/shared";
import { useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { SecretReveal } from "../components/SecretReveal.tsx";
import { TextField } from "../components/TextField.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { AdminForm } from "./AdminForm.tsx";
import { CheckboxGroup } from "./CheckboxGroup.tsx";
import { WebhookDeliveries } from "./WebhookDeliveries.tsx";

const eventLabels: Record<WebhookEventType, string> = {
  "job.succeeded": "Job succeeded",
  "job.failed": "Job failed",
  "job.cancelled": "Job cancelled",
  "asset.ready": "Asset ready",
  "asset.rejected": "Asset rejected",
};

/** Hours the old secret keeps signing after a rotation, so receivers can switch without a gap. */
const ROTATION_OVERLAP_HOURS = 24;

/**
 * Outgoing webhooks (Standard Webhooks): endpoints and their event types, each endpoint's secret
 * (shown once, rotated with an overlap), the secret of per-job webhook URLs, and the delivery log.
 */
export function WebhooksAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const endpoints = useResource(() => client.webhooks.list.query({ orgId }), orgId);
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<WebhookEventType[]>(["job.succeeded", "job.failed"]);
  const [shown, setShown] = useState<{ what: string; secret: string; note?: string } | null>(null);

  const create = useAction(async () => {
    const created = await client.webhooks.create.mutate({ orgId, url, description, eventTypes: types });
    setShown({ what: created.url, secret: created.secret });
    setUrl("");
    setDescription("");
    endpoints.reload();
  });
  const update = useAction(async (endpoint: WebhookEndpointView, enabled: boolean) => {
    await client.webhooks.update.mutate({ orgId, endpointId: endpoint.id, enabled });
    endpoints.reload();
  });
  const remove = useAction(async (endpoint: WebhookEndpointView) => {
    if (!window.confirm(`Delete the endpoint ${endpoint.url} and its delivery log?`)) return;
    await client.webhooks.delete.mutate({ orgId, endpointId: endpoint.id });
    endpoints.reload();
  });
  const rotate = useAction(async (endpoint: WebhookEndpointView | null) => {
    const rotated = await client.webhooks.rotateSecret.mutate({
      orgId,
      endpointId: endpoint?.id,
      overlapHours: ROTATION_OVERLAP_HOURS,
    });
    setShown({
      what: endpoint ? endpoint.url : "job webhook URLs",
      secret: rotated.secret,
      note: `The old secret keeps signing too until ${new Date(rotated.previousSecretUntil!).toLocaleString()}.`,
    });
    endpoints.reload();
  });
  const revealJobSecret = useAction(async () => {
    const { secret } = await client.webhooks.secret.query({ orgId });
    setShown({ what: "job webhook URLs", secret });
  });

  return (
    <>
      <section className="panel" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading">Webhook endpoints</h2>
        <p className="muted">
          Atelier POSTs each event to your URL in the Standard Webhooks format: verify the{" "}
          <code>webhook-signature</code> header with the endpoint's secret (for example with the{" "}
          <code>standardwebhooks</code> package). Failed deliveries are retried with growing waits for a day.
        </p>
        {shown && (
          <SecretReveal
            label="Signing secret"
            secret={shown.secret}
            note={`Signing secret for ${shown.what}. Keep it on your server only.${shown.note ? ` ${shown.note}` : ""}`}
            onDone={() => setShown(null)}
          />
        )}
        <FormError message={endpoints.error ?? update.error ?? remove.error ?? rotate.error} />
        {endpoints.data?.length === 0 && <p className="empty">No endpoints yet.</p>}
        <ul className="webhook-list" aria-label="Webhook endpoints">
          {(endpoints.data ?? []).map((endpoint) => (
            <li key={endpoint.id} className="webhook-endpoint" aria-label={`Endpoint ${endpoint.url}`}>
              <header className="node-header">
                <strong className="webhook-url">{endpoint.url}</strong>
                <span className="muted">{endpoint.enabled ? "Active" : "Paused"}</span>
              </header>
              {endpoint.description && <p>{endpoint.description}</p>}
              <p className="muted">{endpoint.eventTypes.map((t) => eventLabels[t]).join(", ")}</p>
              {endpoint.previousSecretUntil && (
                <p className="muted">
                  Old secret still signs until {new Date(endpoint.previousSecretUntil).toLocaleString()}.
                </p>
              )}
              <div className="form-actions">
                <button
                  type="button"
                  className="button button-small"
                  disabled={rotate.pending}
                  onClick={() => void rotate.run(endpoint)}
                >
                  Rotate secret
                </button>
                <button
                  type="button"
                  className="button button-small"
                  disabled={update.pending}
                  onClick={() => void update.run(endpoint, !endpoint.enabled)}
                >
                  {endpoint.enabled ? "Pause" : "Resume"}
                </button>
                <button
                  type="button"
                  className="button button-small button-danger"
                  disabled={remove.pending}
                  onClick={() => void remove.run(endpoint)}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
        <AdminForm
          label="Add webhook endpoint"
          heading="Add an endpoint"
          error={create.error}
          submitLabel="Add endpoint"
          submitDisabled={create.pending || types.length === 0}
          onSubmit={() => void create.run()}
        >
          <div className="admin-form-grid">
            <TextField
              label="Endpoint URL"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              required
              placeholder="https://example.com/webhooks/atelier"
              hint="A public http(s) address; private and local addresses are refused."
            />
            <TextField
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              maxLength={200}
            />
          </div>
          <CheckboxGroup
            legend="Event types"
            options={WEBHOOK_EVENT_TYPES}
            labels={eventLabels}
            selected={types}
            onChange={setTypes}
          />
        </AdminForm>
        <h3>Job webhook URLs</h3>
        <p className="muted">
          A job created with its own <code>webhook</code> URL gets its end (succeeded, failed, cancelled)
          there, signed with this organization's job secret.
        </p>
        <FormError message={revealJobSecret.error} />
        <div className="form-actions">
          <button type="button" className="button button-small" onClick={() => void revealJobSecret.run()}>
            Show job secret
          </button>
          <button type="button" className="button button-small" onClick={() => void rotate.run(null)}>
            Rotate job secret
          </button>
        </div>
      </section>
      <WebhookDeliveries orgId={orgId} />
    </>
  );
}
