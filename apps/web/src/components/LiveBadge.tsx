import type { LiveState } from "../project/useProjectAssets.ts";

const labels: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Disconnected",
};

/** Whether changes by others show up right now. */
export function LiveBadge({ state }: { state: LiveState }) {
  return (
    <span className={`live-badge live-${state}`} role="status" data-live={state}>
      <span className="live-dot" aria-hidden="true" />
      {labels[state]}
    </span>
  );
}
