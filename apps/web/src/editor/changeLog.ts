import type { EditOp } from "@atelier/shared";

/** One applied edit, as `documents.history` returns it or a `document.op` event announces it. */
export interface ChangeEntry {
  revision: number;
  userId: string | null;
  userName: string | null;
  /** "undo:…" / "redo:…" for an undo or redo, as LiveDocument names them. */
  clientOpId?: string;
  ops: EditOp[];
  /** Absent for edits heard live (the event carries no inverse). */
  inverse?: EditOp[];
  at: string;
}

const maxEntries = 200;

/** Newest first, one entry per revision: the history call and the live stream can both report an edit. */
export function addChanges(log: readonly ChangeEntry[], entries: readonly ChangeEntry[]): ChangeEntry[] {
  const byRevision = new Map<number, ChangeEntry>();
  for (const entry of [...entries, ...log]) {
    const seen = byRevision.get(entry.revision);
    // Keep the fuller copy (the history's has the inverse).
    if (!seen || (!seen.inverse && entry.inverse)) byRevision.set(entry.revision, entry);
  }
  return [...byRevision.values()].sort((a, b) => b.revision - a.revision).slice(0, maxEntries);
}

/** Whether an op touches the thing at `target` (["crop"], ["overlays", id], ["adjustments"]...). */
export function touches(op: EditOp, target: readonly string[]): boolean {
  const path = op.kind === "set" ? op.path : [...op.path, op.kind === "insert" ? op.value.id : op.id];
  const n = Math.min(path.length, target.length);
  for (let i = 0; i < n; i++) if (path[i] !== target[i]) return false;
  return true;
}

/** The latest edit of the thing at `target`: "who changed this". */
export function lastChangeOf(log: readonly ChangeEntry[], target: readonly string[]): ChangeEntry | null {
  return log.find((entry) => entry.ops.some((op) => touches(op, target))) ?? null;
}

const setPaths = (ops: readonly EditOp[]) =>
  ops.every((op) => op.kind === "set")
    ? ops
        .map((op) => op.path.join("/"))
        .sort()
        .join("|")
    : null;

/** A drag or a run of key presses reaches the log as several edits of the same fields a moment apart. */
const gestureGapMs = 2_000;

/**
 * This person's own edits, oldest first, that can seed undo after a reload. Consecutive edits of the same
 * fields within two seconds are one step, as they were in the session that made them.
 */
export function ownUndoable(log: readonly ChangeEntry[], userId: string, limit = 50) {
  const own = log.filter((e) => e.userId === userId && e.inverse).reverse();
  const steps: Array<{ ops: EditOp[]; inverse: EditOp[]; paths: string | null; at: number }> = [];
  for (const e of own) {
    const paths = setPaths(e.ops);
    const at = Date.parse(e.at);
    const last = steps.at(-1);
    if (last && paths && last.paths === paths && at - last.at < gestureGapMs) {
      last.ops = e.ops;
      last.at = at;
    } else steps.push({ ops: e.ops, inverse: e.inverse as EditOp[], paths, at });
  }
  return steps.slice(-limit).map(({ ops, inverse }) => ({ ops, inverse }));
}

/** "just now", "5 min ago", "3 h ago", or the date. */
export function timeAgo(at: string, now: number): string {
  const seconds = Math.max(0, (now - Date.parse(at)) / 1000);
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(at).toLocaleDateString();
}

/** An undo or redo, from the id its edit was sent under; null for an edit. */
export function replayKind(entry: Pick<ChangeEntry, "clientOpId">): "undo" | "redo" | null {
  const prefix = entry.clientOpId?.split(":")[0];
  return prefix === "undo" || prefix === "redo" ? prefix : null;
}

/** One line of the history: one person's gesture (a drag, a run of typing), however many edits it took. */
export interface HistoryRow {
  /** The newest revision in it, a stable key. */
  revision: number;
  userId: string | null;
  userName: string | null;
  kind: "edit" | "undo" | "redo";
  /** What the newest edit changed. */
  ops: EditOp[];
  /** What undoes it: for an undo, the edit it undid (so the row can name it). */
  inverse?: EditOp[];
  edits: number;
  at: string;
}

/**
 * The history as people think of it, newest first: consecutive edits of the same fields by the same
 * person within two seconds (one crop drag, typing in one field) are one row; undos and redos are rows
 * of their own kind.
 */
export function historyRows(log: readonly ChangeEntry[]): HistoryRow[] {
  const rows: Array<HistoryRow & { paths: string | null; oldest: number }> = [];
  for (const entry of log) {
    const kind = replayKind(entry) ?? "edit";
    const paths = setPaths(entry.ops);
    const at = Date.parse(entry.at);
    const last = rows.at(-1);
    if (
      last &&
      kind === "edit" &&
      last.kind === "edit" &&
      last.userId === entry.userId &&
      paths !== null &&
      last.paths === paths &&
      last.oldest - at < gestureGapMs
    ) {
      last.edits += 1;
      last.oldest = at;
      continue;
    }
    rows.push({
      revision: entry.revision,
      userId: entry.userId,
      userName: entry.userName,
      kind,
      ops: entry.ops,
      ...(entry.inverse ? { inverse: entry.inverse } : {}),
      edits: 1,
      at: entry.at,
      paths,
      oldest: at,
    });
  }
  return rows.map(({ paths: _paths, oldest: _oldest, ...row }) => row);
}
