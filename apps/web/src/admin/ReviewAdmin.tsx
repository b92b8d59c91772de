import type { ModerationScores } from "@atelier/shared";
import { useState } from "react";
import { useAction } from "../api/useAction.ts";
import { FormError } from "../components/FormError.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { usePolling } from "./usePolling.ts";

const percent = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)} %`);

function Scores({ scores, unsafe }: { scores: ModerationScores | null; unsafe: number | null }) {
  if (!scores) return <span className="muted">Not scored</span>;
  return (
    <dl className="review-scores">
      <dt>Unsafe</dt>
      <dd>{percent(unsafe)}</dd>
      {(Object.keys(scores) as Array<keyof ModerationScores>).map((k) => (
        <span key={k} className="review-score">
          <dt>{k}</dt>
          <dd>{percent(scores[k])}</dd>
        </span>
      ))}
    </dl>
  );
}

/** One held item: what the model saw, and the approve/reject form with its reason. */
function ReviewItem(props: {
  title: string;
  previewUrl: string | null;
  scores: ModerationScores | null;
  unsafe: number | null;
  decide(decision: "approved" | "rejected", reason: string): Promise<unknown>;
}) {
  const [reason, setReason] = useState("");
  const act = useAction(async (decision: "approved" | "rejected") => props.decide(decision, reason));
  return (
    <li className="review-item" aria-label={`Review ${props.title}`}>
      {props.previewUrl ? (
        <img src={props.previewUrl} alt={props.title} className="review-preview" />
      ) : (
        <span className="review-preview muted">No preview</span>
      )}
      <div className="review-body">
        <strong>{props.title}</strong>
        <Scores scores={props.scores} unsafe={props.unsafe} />
        <label>
          Reason
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="Why, for the audit log"
            aria-label={`Reason for ${props.title}`}
          />
        </label>
        <div className="review-actions">
          <button
            type="button"
            className="button"
            disabled={act.pending || !reason.trim()}
            onClick={() => void act.run("approved")}
          >
            Approve
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={act.pending || !reason.trim()}
            onClick={() => void act.run("rejected")}
          >
            Reject
          </button>
        </div>
        <FormError message={act.error} />
      </div>
    </li>
  );
}

/** The review queue: uploads and outputs the moderation model held, and the audit log of decisions. */
export function ReviewAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const queue = usePolling(() => client.review.queue.query({ orgId }), `review-${orgId}`, 3_000);
  const log = usePolling(() => client.review.log.query({ orgId, limit: 50 }), `review-log-${orgId}`, 5_000);
  const held = (queue.data?.assets.length ?? 0) + (queue.data?.outputs.length ?? 0);
  const after = () => {
    queue.reload();
    log.reload();
  };
  return (
    <section aria-label="Review queue">
      <p className="muted">
        Images whose unsafe score reached the threshold in Rules wait here. Until approved they cannot be
        downloaded and show blurred to everyone in the project.
      </p>
      <FormError message={queue.error} />
      {queue.data && held === 0 && <p className="muted">Nothing is waiting for review.</p>}
      <ul className="review-list">
        {queue.data?.assets.map(({ asset, reviewUrl }) => (
          <ReviewItem
            key={asset.id}
            title={asset.filename}
            previewUrl={reviewUrl}
            scores={asset.moderation.scores}
            unsafe={asset.moderation.unsafe}
            decide={async (decision, reason) => {
              await client.review.decideAsset.mutate({ assetId: asset.id, decision, reason });
              after();
            }}
          />
        ))}
        {queue.data?.outputs.map(({ output, jobId, reviewUrl }) => (
          <ReviewItem
            key={output.id}
            title={`${output.name} (job output)`}
            previewUrl={reviewUrl}
            scores={output.moderation.scores}
            unsafe={output.moderation.unsafe}
            decide={async (decision, reason) => {
              await client.review.decideOutput.mutate({ jobId, outputId: output.id, decision, reason });
              after();
            }}
          />
        ))}
      </ul>
      <h2>Decisions</h2>
      <table className="review-log" aria-label="Review decisions">
        <thead>
          <tr>
            <th>When</th>
            <th>What</th>
            <th>Decision</th>
            <th>Reason</th>
            <th>By</th>
          </tr>
        </thead>
        <tbody>
          {log.data?.map((row) => (
            <tr key={row.id}>
              <td>{new Date(row.decidedAt).toLocaleString()}</td>
              <td>{row.subject}</td>
              <td>{row.decision}</td>
              <td>{row.reason}</td>
              <td>{row.decidedBy ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
