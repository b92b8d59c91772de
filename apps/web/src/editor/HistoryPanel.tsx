import { useEffect, useState } from "react";
import type { PresenceMap } from "../presence/presenceState.ts";
import { type ChangeEntry, historyRows, timeAgo } from "./changeLog.ts";
import { type DescribeContext, describeOps } from "./editOps.ts";

/** Who changed what, newest first, each name in that person's presence colour when they are here. */
export function HistoryPanel({
  changes,
  people,
  selfId,
  context,
}: {
  changes: ChangeEntry[];
  people: PresenceMap;
  selfId: string;
  context: DescribeContext;
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
          {historyRows(changes)
            .slice(0, 30)
            .map((entry) => {
              const colour = entry.userId ? people.get(entry.userId)?.colour : undefined;
              return (
                <li
                  key={entry.revision}
                  className={`history-row history-${entry.kind}`}
                  data-kind={entry.kind}
                >
                  <span
                    className="history-dot"
                    style={colour ? { backgroundColor: colour } : undefined}
                    aria-hidden="true"
                  />
                  <span className="history-who">
                    {entry.userId === selfId ? "You" : (entry.userName ?? "Someone")}
                  </span>
                  <span className="history-what">
                    {entry.kind === "edit"
                      ? describeOps(entry.ops, context)
                      : `${entry.kind === "undo" ? "Undid" : "Redid"}: ${lowerFirst(describeOps(entry.inverse ?? entry.ops, context))}`}
                  </span>
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

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
