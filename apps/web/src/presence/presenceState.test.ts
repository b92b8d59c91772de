import type { PresenceEvent } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { applyPresenceEvent, initialsOf, type PresenceMap, withoutExpired } from "./presenceState.ts";

const grace: PresenceEvent = {
  v: 1,
  type: "presence",
  userId: "grace",
  name: "Grace Hopper",
  colour: "hsl(200 70% 50%)",
  cursor: { x: 0.5, y: 0.25 },
  selectedAssetId: "asset-1",
  selection: "crop",
  at: "2026-01-01T00:00:00.000Z",
};

describe("who else is in the project", () => {
  it("shows a collaborator from their presence events, and never oneself", () => {
    let people: PresenceMap = new Map();
    people = applyPresenceEvent(people, grace, "ada", 1_000);
    people = applyPresenceEvent(people, { ...grace, userId: "ada", name: "Ada" }, "ada", 1_000);
    expect([...people.keys()]).toEqual(["grace"]);
    expect(people.get("grace")?.cursor).toEqual({ x: 0.5, y: 0.25 });
  });

  it("drops a collaborator who left, or who sent nothing for 30 seconds", () => {
    let people: PresenceMap = applyPresenceEvent(new Map(), grace, "ada", 1_000);
    expect(withoutExpired(people, 30_000).size).toBe(1);
    expect(withoutExpired(people, 31_001).size).toBe(0);
    people = applyPresenceEvent(people, { v: 1, type: "presence.left", userId: "grace" }, "ada", 2_000);
    expect(people.size).toBe(0);
  });

  it("labels avatars with initials", () => {
    expect(initialsOf("Grace Brewster Hopper")).toBe("GH");
    expect(initialsOf("ada")).toBe("AD");
  });
});
