import type { PresenceEvent } from "@atelier/shared";

export type { PresenceEvent };

export interface Collaborator {
  userId: string;
  name: string;
  colour: string;
  cursor: { x: number; y: number } | null;
  selectedAssetId: string | null;
  selection: string | null;
  /** When this tab last heard from them (its own clock, not the server's). */
  seenAt: number;
}

/** Someone who stops sending heartbeats (closed laptop, lost network) disappears after this long. */
export const presenceTimeoutMs = 30_000;

export type PresenceMap = ReadonlyMap<string, Collaborator>;

/** Everyone else in the project; the person's own events come back through the channel and are left out. */
export function applyPresenceEvent(
  people: PresenceMap,
  event: PresenceEvent,
  selfId: string,
  now: number,
): PresenceMap {
  if (event.type === "presence") {
    if (event.userId === selfId) return people;
    const next = new Map(people);
    next.set(event.userId, {
      userId: event.userId,
      name: event.name,
      colour: event.colour,
      cursor: event.cursor,
      selectedAssetId: event.selectedAssetId,
      selection: event.selection,
      seenAt: now,
    });
    return next;
  }
  if (event.type === "presence.left" && people.has(event.userId)) {
    const next = new Map(people);
    next.delete(event.userId);
    return next;
  }
  return people;
}

export function withoutExpired(people: PresenceMap, now: number): PresenceMap {
  const stale = [...people.values()].filter((p) => now - p.seenAt > presenceTimeoutMs);
  if (stale.length === 0) return people;
  const next = new Map(people);
  for (const p of stale) next.delete(p.userId);
  return next;
}

export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words.at(-1)![0]] : [name.trim().slice(0, 2)];
  return letters.join("").toUpperCase() || "?";
}
