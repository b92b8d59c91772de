import {
  applyEditOps,
  type EditDocumentJson,
  type EditOp,
  invertEditOps,
  type PendingEdit,
} from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { LiveDocument } from "./LiveDocument.ts";

/** The server's contract in memory: server order, duplicate clientOpIds answered without reapplying, broadcast to all. */
class FakeServer {
  document: EditDocumentJson = {};
  revision = 0;
  private done = new Map<string, number>();
  clients: LiveDocument[] = [];
  /** Broadcasts not delivered yet; a test can drop them to simulate a lost connection. */
  outbox: Array<{ revision: number; ops: EditOp[]; clientOpId: string }> = [];
  sends = 0;

  async edit(edit: PendingEdit): Promise<{ revision: number }> {
    this.sends++;
    await Promise.resolve();
    const done = this.done.get(edit.clientOpId);
    if (done !== undefined) return { revision: done };
    const after = applyEditOps(this.document, edit.ops);
    if (JSON.stringify(after).includes('"text":""'))
      throw Object.assign(new Error("invalid"), { permanent: true });
    this.document = after;
    this.revision++;
    this.done.set(edit.clientOpId, this.revision);
    this.outbox.push({ revision: this.revision, ops: edit.ops, clientOpId: edit.clientOpId });
    return { revision: this.revision };
  }

  deliver(): void {
    const events = this.outbox;
    this.outbox = [];
    for (const event of events)
      for (const c of this.clients) c.remote(event.revision, event.ops, event.clientOpId);
  }

  connect(extra: { onRejected?: (edit: PendingEdit) => void; onGap?: () => void } = {}): LiveDocument {
    const client: LiveDocument = new LiveDocument(this.document, this.revision, {
      send: (edit) => this.edit(edit),
      onChange: () => undefined,
      onRejected: (edit) => extra.onRejected?.(edit),
      onGap: () => {
        extra.onGap?.();
        // What the page does: documents.get, then resync.
        queueMicrotask(() => client.resync(this.document, this.revision));
      },
      isPermanent: (error) => (error as { permanent?: boolean }).permanent === true,
      coalesceMs: 100,
      retryMs: 10,
    });
    this.clients.push(client);
    return client;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function settle(server: FakeServer): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await tick();
    server.deliver();
  }
}

const crop = (x: number): EditOp => ({
  kind: "set",
  path: ["crop"],
  value: { x, y: 0, width: 0.5, height: 0.5 },
});
const overlay = { id: "o1", text: "Hello", styleSet: "title", x: 0.1, y: 0.1 };

describe("two people editing one asset", () => {
  it("ends with the same document for both when they change different things at once", async () => {
    const server = new FakeServer();
    const a = server.connect();
    const b = server.connect();
    b.change([{ kind: "insert", path: ["overlays"], value: overlay }]);
    await settle(server);
    a.change([crop(0.25)]);
    b.change([{ kind: "set", path: ["overlays", "o1", "text"], value: "Hello there" }]);
    expect((a.document.crop as { x: number }).x).toBe(0.25);
    await settle(server);
    expect(a.document).toEqual(server.document);
    expect(b.document).toEqual(server.document);
    expect(server.document.crop).toEqual({ x: 0.25, y: 0, width: 0.5, height: 0.5 });
    expect((server.document.overlays as Array<{ text: string }>)[0]!.text).toBe("Hello there");
    expect(a.saving || b.saving).toBe(false);
  });

  it("converges when both change the same overlay's text: the later edit in server order wins everywhere", async () => {
    const server = new FakeServer();
    const a = server.connect();
    const b = server.connect();
    a.change([{ kind: "insert", path: ["overlays"], value: overlay }]);
    await settle(server);
    a.change([{ kind: "set", path: ["overlays", "o1", "text"], value: "From A" }]);
    b.change([{ kind: "set", path: ["overlays", "o1", "text"], value: "From B" }]);
    await settle(server);
    expect(a.document).toEqual(b.document);
    expect(a.document).toEqual(server.document);
  });

  it("sends a slider drag as a few edits that end on the final value", async () => {
    const server = new FakeServer();
    const a = server.connect();
    for (let i = 1; i <= 40; i++) {
      a.change([{ kind: "set", path: ["adjustments", "brightness"], value: 1 + i / 100 }], {
        gesture: "brightness",
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    a.change([{ kind: "set", path: ["adjustments", "brightness"], value: 1.5 }], {
      gesture: "brightness",
      ongoing: false,
    });
    await settle(server);
    expect(server.sends).toBeLessThanOrEqual(8);
    expect(server.document).toEqual({ adjustments: { brightness: 1.5 } });
    a.undo();
    await settle(server);
    expect(server.document).toEqual({ adjustments: {} });
    a.redo();
    await settle(server);
    expect(server.document).toEqual({ adjustments: { brightness: 1.5 } });
  });

  it("undoes only its own edit, leaving the other person's change in place", async () => {
    const server = new FakeServer();
    const a = server.connect();
    const b = server.connect();
    a.change([crop(0.1)]);
    b.change([{ kind: "set", path: ["adjustments"], value: { hue: 30 } }]);
    await settle(server);
    a.undo();
    await settle(server);
    expect(server.document).toEqual({ adjustments: { hue: 30 } });
    expect(b.document).toEqual(server.document);
  });

  it("loses no edit when broadcasts are missed: a resync resends what the server has not applied, once", async () => {
    const server = new FakeServer();
    let gaps = 0;
    const a = server.connect({ onGap: () => gaps++ });
    const b = server.connect();
    b.change([crop(0.3)]);
    await tick();
    server.outbox = []; // A's connection dropped: it never hears of B's edit.
    a.change([{ kind: "insert", path: ["overlays"], value: overlay }]);
    await tick();
    server.deliver();
    expect(gaps).toBeGreaterThan(0);
    await settle(server);
    expect(a.document).toEqual(server.document);
    expect(b.document).toEqual(server.document);
    expect((server.document.overlays as unknown[]).length).toBe(1);
    expect(a.saving).toBe(false);
  });

  it("drops an edit the server refuses and keeps the rest", async () => {
    const server = new FakeServer();
    const rejected: string[] = [];
    const a = server.connect({ onRejected: (edit) => rejected.push(edit.clientOpId) });
    a.change([{ kind: "insert", path: ["overlays"], value: { ...overlay, text: "" } }]);
    a.change([crop(0.2)]);
    await settle(server);
    expect(rejected).toHaveLength(1);
    expect(a.document).toEqual({ crop: { x: 0.2, y: 0, width: 0.5, height: 0.5 } });
    expect(server.document).toEqual(a.document);
  });

  it("undoes an edit made before a reload, from the inverse the server logged", async () => {
    const server = new FakeServer();
    const before = server.connect();
    before.change([crop(0.4)]);
    await settle(server);
    const inverse = invertEditOps({}, [crop(0.4)]);
    const after = server.connect(); // The reloaded page: a fresh client with an empty undo stack.
    expect(after.canUndo).toBe(false);
    after.seedUndo([{ ops: [crop(0.4)], inverse }]);
    after.undo();
    await settle(server);
    expect(server.document).toEqual({});
    after.redo();
    await settle(server);
    expect(server.document).toEqual({ crop: { x: 0.4, y: 0, width: 0.5, height: 0.5 } });
  });

  it("sends an undo and a redo made back to back as two edits", async () => {
    const server = new FakeServer();
    const a = server.connect();
    a.change([{ kind: "set", path: ["adjustments", "brightness"], value: 1.1 }], { gesture: "brightness" });
    a.endGesture();
    await settle(server);
    const before = server.revision;
    a.undo();
    a.redo();
    await settle(server);
    expect(server.revision).toBe(before + 2);
    expect(server.document).toEqual({ adjustments: { brightness: 1.1 } });
  });
});
