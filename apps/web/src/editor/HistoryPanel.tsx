import { useEffect, useState } from "react";
import type { PresenceMap } from "../presence/presenceState.ts";
import { type ChangeEntry, timeAgo } from "./changeLog.ts";
import { describeOps } from "./editOps.ts";

/** Who changed what, newest first, each name in that person's presence colour when they are here. */
export function HistoryPanel({
  changes,
  people,
  selfId,
}: {
  changes: ChangeEntry[];
  people: PresenceMap;
  selfId: string;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <section className="inspector-section" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {changes.length === 0 ? (
        <p className="field-hint">No edits yet.</p>
      ) : (
        <ol className="history-list" aria-label="Edit history">
          {changes.slice(0, 30).map((entry) => {
            const colour = entry.userId ? people.get(entry.userId)?.colour : undefined;
            return (
              <li key={entry.revision} className="history-row">
                <span
                  className="history-dot"
                  style={colour ? { backgroundColor: colour } : undefined}
                  aria-hidden="true"
                />
                <span className="history-who">
                  {entry.userId === selfId ? "You" : (entry.userName ?? "Someone")}
                </span>
                <span className="history-what">{describeOps(entry.ops)}</span>
                <time className="muted" dateTime={entry.at}>
                  {timeAgo(entry.at, now)}
                </time>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
