import { z } from "zod";
import { PROJECT_EVENTS_VERSION } from "./projectEvents.ts";

/**
 * Presence: where each person is in a project (cursor, selected asset, what they edit). Ephemeral and
 * frequent (up to 20 a second per person), so it travels on its own short-lived channel
 * (`presence.watch`), never in the durable project stream: nothing stores it, a late subscriber gets
 * only what is said after it joined, and a slow socket may miss some (the next move replaces it).
 */
const v = z.literal(PROJECT_EVENTS_VERSION).default(PROJECT_EVENTS_VERSION);

export const presenceEventSchema = z.discriminatedUnion("type", [
  z.object({
    v,
    type: z.literal("presence"),
    userId: z.string(),
    name: z.string(),
    colour: z.string(),
    cursor: z.object({ x: z.number(), y: z.number() }).nullable(),
    selectedAssetId: z.string().nullable(),
    selection: z.string().nullable(),
    at: z.string(),
  }),
  z.object({ v, type: z.literal("presence.left"), userId: z.string() }),
]);

/** A presence event as `presence.watch` subscribers receive it (always with `v`). */
export type PresenceEvent = z.output<typeof presenceEventSchema>;
/** A presence event as the server writes it (`v` may be left out). */
export type PresenceEventInput = z.input<typeof presenceEventSchema>;
