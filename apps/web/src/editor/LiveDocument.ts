import {
  applyEditOps,
  type EditDocumentJson,
  type EditOp,
  EditSession,
  invertEditOps,
  type PendingEdit,
} from "@atelier/shared";
import { mergeOps } from "./mergeOps.ts";

export interface LiveDocumentOptions {
  /** `documents.edit`; resolves with the revision the server gave the edit. */
  send(edit: PendingEdit): Promise<{ revision: number }>;
  /** Something the person sees changed (document, revision, undo availability, saving state). */
  onChange(): void;
  /** The server refused an edit for good (it would make the document invalid); it has been dropped. */
  onRejected(edit: PendingEdit, error: unknown): void;
  /** A broadcast revision was skipped: the caller should `resync` with `documents.get`. */
  onGap(): void;
  isPermanent(error: unknown): boolean;
  newId?: () => string;
  /** How long a drag's changes gather before they go out as one edit. */
  coalesceMs?: number;
  retryMs?: number;
}

interface UndoEntry {
  ops: EditOp[];
  inverse: EditOp[];
  gesture: string | null;
}

export interface ChangeOptions {
  /** Changes with the same gesture (one slider drag, one crop drag, typing in one field) coalesce into one edit and one undo step. */
  gesture?: string;
  /** Continues the gesture: false ends it, so the next change starts a new undo step. */
  ongoing?: boolean;
}

/**
 * An open asset's document as this person sees it: the server's document with their unconfirmed edits
 * rebased on top (EditSession), plus a draft of the last few milliseconds of a drag that has not become an
 * edit yet. Edits go to the server one at a time, in the order they were made; undo and redo replay the
 * inverse of this person's own edits as new edits.
 */
export class LiveDocument {
  private session: EditSession;
  private confirmed: EditDocumentJson;
  private draft: EditOp[] = [];
  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: string | null = null;
  /** Edits the server acknowledged whose broadcast has not arrived yet, with the revision they got. */
  private acknowledged = new Map<string, number>();
  private undoStack: UndoEntry[] = [];
  private redoStack: UndoEntry[] = [];
  private openGesture: string | null = null;
  /** Set while an undo or redo is sent: its id says so, and the history shows it as one. */
  private replaying: "undo" | "redo" | null = null;
  private closed = false;
  private readonly opts: Required<LiveDocumentOptions>;

  constructor(document: EditDocumentJson, revision: number, options: LiveDocumentOptions) {
    this.session = new EditSession(document, revision);
    this.confirmed = document;
    this.opts = {
      newId: () => crypto.randomUUID(),
      coalesceMs: 100,
      retryMs: 1_000,
      ...options,
    };
  }

  get document(): EditDocumentJson {
    return applyEditOps(this.session.document, this.draft);
  }

  get revision(): number {
    return this.session.revision;
  }

  /** True while some of this person's changes have not reached the server's document. */
  get saving(): boolean {
    return this.draft.length > 0 || this.session.unconfirmed.length > 0;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /**
   * Puts this person's earlier edits (from the operation log, oldest first, with the inverses the server
   * stored) under the undo stack, so undo keeps working after a reload or in a new session.
   */
  seedUndo(entries: ReadonlyArray<{ ops: EditOp[]; inverse: EditOp[] }>): void {
    const seeded = entries.map((e) => ({ ops: e.ops, inverse: e.inverse, gesture: null }));
    this.undoStack = [...seeded, ...this.undoStack];
    this.opts.onChange();
  }

  change(ops: EditOp[], options: ChangeOptions = {}): void {
    if (ops.length === 0 || this.closed) return;
    const gesture = options.gesture ?? null;
    const inverse = invertEditOps(this.document, ops);
    const last = this.undoStack.at(-1);
    if (gesture && last && last.gesture === gesture && this.openGesture === gesture) {
      last.ops = mergeOps([...last.ops, ...ops]);
      last.inverse = mergeOps([...inverse, ...last.inverse]);
    } else {
      this.undoStack.push({ ops, inverse, gesture });
    }
    this.openGesture = gesture && options.ongoing !== false ? gesture : null;
    this.redoStack = [];
    this.record(ops, gesture !== null && options.ongoing !== false);
  }

  /** The drag or typing ended: send now, and let the next change start a new undo step. */
  endGesture(): void {
    this.openGesture = null;
    this.flush();
  }

  undo(): void {
    this.replay(this.undoStack, this.redoStack, "undo");
  }

  redo(): void {
    this.replay(this.redoStack, this.undoStack, "redo");
  }

  /** A `document.op` from the project stream (anyone's, ours included). */
  remote(revision: number, ops: EditOp[], clientOpId: string): void {
    if (revision <= this.session.revision) return;
    if (revision > this.session.revision + 1) {
      this.opts.onGap();
      return;
    }
    this.confirmed = applyEditOps(this.confirmed, ops);
    this.session.applied(revision, ops, clientOpId);
    this.acknowledged.delete(clientOpId);
    this.opts.onChange();
  }

  /** After a reconnect or a gap: the server's document replaces ours and our unconfirmed edits go again. */
  resync(document: EditDocumentJson, revision: number, drop?: string): void {
    const keep = this.session.unconfirmed.filter((edit) => {
      if (edit.clientOpId === drop) return false;
      const got = this.acknowledged.get(edit.clientOpId);
      return got === undefined || got > revision;
    });
    this.rebuild(document, revision, keep);
    this.opts.onChange();
    this.pump();
  }

  /** Sends whatever is still gathering at once (on blur, pointer up, leaving the page). */
  flush(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = null;
    if (this.draft.length === 0) return;
    const ops = this.draft;
    this.draft = [];
    const id = this.opts.newId();
    this.session.local(ops, this.replaying ? `${this.replaying}:${id}` : id);
    this.pump();
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private record(ops: EditOp[], gather: boolean): void {
    this.draft = mergeOps([...this.draft, ...ops]);
    if (!gather) this.flush();
    else if (!this.draftTimer) this.draftTimer = setTimeout(() => this.flush(), this.opts.coalesceMs);
    this.opts.onChange();
  }

  private replay(from: UndoEntry[], to: UndoEntry[], kind: "undo" | "redo"): void {
    const entry = from.pop();
    if (!entry) return;
    this.openGesture = null;
    this.flush();
    const inverse = invertEditOps(this.document, entry.inverse);
    to.push({ ops: entry.inverse, inverse, gesture: null });
    this.replaying = kind;
    try {
      this.record(entry.inverse, false);
    } finally {
      this.replaying = null;
    }
  }

  private rebuild(document: EditDocumentJson, revision: number, keep: readonly PendingEdit[]): void {
    this.session = new EditSession(document, revision);
    this.confirmed = document;
    for (const edit of keep) this.session.local(edit.ops, edit.clientOpId);
  }

  private pump(): void {
    if (this.inFlight || (this.closed && this.session.unconfirmed.length === 0)) return;
    const next = this.session.unconfirmed.find((e) => !this.acknowledged.has(e.clientOpId));
    if (!next) return;
    this.inFlight = next.clientOpId;
    this.opts.send(next).then(
      ({ revision }) => {
        this.inFlight = null;
        if (revision <= this.session.revision) {
          // A resend the server had already applied (no broadcast comes for it): it is in our document.
          this.rebuild(
            this.confirmed,
            this.session.revision,
            this.session.unconfirmed.filter((e) => e.clientOpId !== next.clientOpId),
          );
          this.opts.onChange();
        } else this.acknowledged.set(next.clientOpId, revision);
        this.pump();
      },
      (error: unknown) => {
        this.inFlight = null;
        if (this.opts.isPermanent(error)) {
          this.rebuild(
            this.confirmed,
            this.session.revision,
            this.session.unconfirmed.filter((e) => e.clientOpId !== next.clientOpId),
          );
          this.opts.onRejected(next, error);
          this.opts.onChange();
          this.pump();
        } else if (!this.closed) setTimeout(() => this.pump(), this.opts.retryMs);
      },
    );
  }
}
