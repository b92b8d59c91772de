import { applyEditOps, type EditDocumentJson } from "./applyEditOps.ts";
import type { EditOp } from "./editOps.ts";

export interface PendingEdit {
  clientOpId: string;
  baseRevision: number;
  ops: EditOp[];
}

/**
 * One client's copy of an asset's edit document. The server is the authority: `confirmed` is its document at
 * `revision`; `pending` are this client's edits not yet acknowledged. What the person sees is `confirmed` with
 * `pending` re-applied on top, which is the rebase: remote edits slide in underneath local ones.
 */
export class EditSession {
  private confirmed: EditDocumentJson;
  private pending: PendingEdit[] = [];
  revision: number;

  constructor(document: EditDocumentJson, revision: number) {
    this.confirmed = document;
    this.revision = revision;
  }

  get document(): EditDocumentJson {
    return applyEditOps(
      this.confirmed,
      this.pending.flatMap((p) => p.ops),
    );
  }

  get unconfirmed(): readonly PendingEdit[] {
    return this.pending;
  }

  /** Records a local edit; send the returned edit to the server. */
  local(ops: EditOp[], clientOpId: string): PendingEdit {
    const edit = { clientOpId, baseRevision: this.revision, ops };
    this.pending.push(edit);
    return edit;
  }

  /**
   * Applies an operation broadcast by the server at `revision`; when it is one of ours, it leaves the pending
   * queue. Broadcasts arrive in revision order; older ones (already seen) are ignored.
   */
  applied(revision: number, ops: EditOp[], clientOpId: string): void {
    if (revision <= this.revision) return;
    this.confirmed = applyEditOps(this.confirmed, ops);
    this.revision = revision;
    this.pending = this.pending.filter((p) => p.clientOpId !== clientOpId);
  }

  /** After a reconnect: the server's current document replaces ours; pending edits are sent again. */
  reset(document: EditDocumentJson, revision: number): PendingEdit[] {
    this.confirmed = document;
    this.revision = revision;
    return this.pending;
  }
}
