import { describe, expect, it } from "vitest";
import { applyEditOps, type EditDocumentJson } from "./applyEditOps.ts";
import type { EditOp } from "./editOps.ts";
import { EditSession, type PendingEdit } from "./EditSession.ts";

/** A tiny deterministic PRNG, so a failing seed can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomOp(rand: () => number, client: number, n: number): EditOp {
  const overlayId = `o${Math.floor(rand() * 4)}`;
  switch (Math.floor(rand() * 5)) {
    case 0:
      return { kind: "set", path: ["crop"], value: { x: 0, y: 0, width: rand(), height: rand() } };
    case 1:
      return {
        kind: "set",
        path: ["adjustments", rand() < 0.5 ? "brightness" : "contrast"],
        value: rand() * 2,
      };
    case 2:
      return {
        kind: "insert",
        path: ["overlays"],
        value: { id: overlayId, text: `c${client}-${n}`, x: 0, y: 0 },
      };
    case 3:
      return { kind: "remove", path: ["overlays"], id: overlayId };
    default:
      return { kind: "set", path: ["overlays", overlayId, "text"], value: `c${client}-${n}` };
  }
}

describe("live editing sessions", () => {
  it.each([1, 2, 3, 42, 1337])(
    "converge for three clients with random edits and delays (seed %i)",
    (seed) => {
      const rand = mulberry32(seed);
      const server = {
        doc: {} as EditDocumentJson,
        revision: 0,
        log: [] as Array<{ revision: number; edit: PendingEdit }>,
      };
      const clients = [0, 1, 2].map(() => ({
        session: new EditSession({}, 0),
        outbox: [] as PendingEdit[],
        seen: 0,
      }));
      let n = 0;
      for (let tick = 0; tick < 400; tick++) {
        const c = Math.floor(rand() * clients.length);
        const client = clients[c]!;
        const action = rand();
        if (action < 0.4) {
          const ops = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => randomOp(rand, c, n++));
          client.outbox.push(client.session.local(ops, `c${c}-${n}`));
        } else if (action < 0.7 && client.outbox.length) {
          const edit = client.outbox.shift()!;
          server.doc = applyEditOps(server.doc, edit.ops);
          server.revision++;
          server.log.push({ revision: server.revision, edit });
        } else if (client.seen < server.log.length) {
          const { revision, edit } = server.log[client.seen++]!;
          client.session.applied(revision, edit.ops, edit.clientOpId);
        }
      }
      for (const client of clients) {
        for (const edit of client.outbox.splice(0)) {
          server.doc = applyEditOps(server.doc, edit.ops);
          server.log.push({ revision: ++server.revision, edit });
        }
      }
      for (const client of clients) {
        for (const { revision, edit } of server.log.slice(client.seen))
          client.session.applied(revision, edit.ops, edit.clientOpId);
        expect(client.session.unconfirmed).toEqual([]);
        expect(client.session.document).toEqual(server.doc);
      }
    },
  );

  it("shows a local edit at once and keeps it on top of a remote one until confirmed", () => {
    const session = new EditSession({ adjustments: { brightness: 1 } }, 3);
    const mine = session.local(
      [{ kind: "set", path: ["adjustments", "brightness"], value: 1.5 }],
      "mine-0001",
    );
    expect(session.document).toEqual({ adjustments: { brightness: 1.5 } });
    session.applied(4, [{ kind: "set", path: ["adjustments", "brightness"], value: 0.8 }], "theirs-0001");
    expect(session.document).toEqual({ adjustments: { brightness: 1.5 } });
    session.applied(5, mine.ops, mine.clientOpId);
    expect(session.document).toEqual({ adjustments: { brightness: 1.5 } });
    expect(session.revision).toBe(5);
  });
});
