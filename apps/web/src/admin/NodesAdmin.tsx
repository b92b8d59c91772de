import { usePolling } from "./usePolling.ts";
import { useApi } from "../session/SessionContext.tsx";
import { FormError } from "../components/FormError.tsx";

/** Every worker node from its heartbeat: memory, providers, loaded models and running jobs; read every 2 s. */
export function NodesAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const nodes = usePolling(() => client.admin.nodes.query(), orgId);
  return (
    <section className="panel" aria-labelledby="nodes-heading">
      <h2 id="nodes-heading">Nodes</h2>
      <p className="muted">Shared by the whole installation. Updated every 2 seconds.</p>
      <FormError message={nodes.error} />
      {nodes.data?.length === 0 && <p className="empty">No node has sent a heartbeat recently.</p>}
      <ul className="node-list" aria-label="Nodes">
        {(nodes.data ?? []).map((node) => {
          const used = Math.max(0, node.totalVramMb - node.freeVramMb);
          const seconds = Math.max(0, Math.round((Date.now() - node.lastSeenAt) / 1000));
          return (
            <li key={node.id} className="node-card" data-node-id={node.id}>
              <article aria-label={`Node ${node.id}`}>
                <header className="node-header">
                  <strong className="job-node">{node.id}</strong>
                  <span className="muted">seen {seconds < 2 ? "just now" : `${seconds} s ago`}</span>
                </header>
                {node.totalVramMb > 0 ? (
                  <>
                    <Bar label="VRAM in use" value={used} total={node.totalVramMb} />
                    <Bar label="VRAM free" value={node.freeVramMb} total={node.totalVramMb} />
                    <p className="muted node-reserved">Reserved by running jobs: {mb(node.reservedVramMb)}</p>
                  </>
                ) : (
                  <p className="muted">CPU only: no video memory.</p>
                )}
                <dl className="node-facts">
                  <dt>Providers</dt>
                  <dd>{chips(node.providers, "none")}</dd>
                  <dt>Loaded models</dt>
                  <dd>{chips(node.models, "none yet")}</dd>
                  <dt>Running jobs</dt>
                  <dd>
                    {node.runningJobs.length === 0 ? (
                      <span className="muted">idle</span>
                    ) : (
                      <ul className="chips" aria-label="Running jobs">
                        {node.runningJobs.map((j) => (
                          <li key={j} className="chip job-node">
                            {j.slice(0, 8)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </dd>
                </dl>
              </article>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Bar({ label, value, total }: { label: string; value: number; total: number }) {
  return (
    <div className="vram-bar">
      <span className="vram-label">{label}</span>
      <meter min={0} max={total} value={value} aria-label={`${label}: ${mb(value)} of ${mb(total)}`} />
      <span className="vram-value">
        {mb(value)} / {mb(total)}
      </span>
    </div>
  );
}

function chips(items: string[], none: string) {
  if (items.length === 0) return <span className="muted">{none}</span>;
  return (
    <ul className="chips">
      {items.map((item) => (
        <li key={item} className="chip">
          {item}
        </li>
      ))}
    </ul>
  );
}

export function mb(value: number): string {
  return value >= 1024 ? `${(value / 1024).toFixed(1)} GiB` : `${value} MiB`;
}
