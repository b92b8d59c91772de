import type { EditOp } from "@atelier/shared";
import type { AdjustmentName, Crop, Overlay } from "./editDocument.ts";

/** The operations behind each thing a person can do in the editor. */
export const setCrop = (crop: Crop | null): EditOp[] => [
  { kind: "set", path: ["crop"], value: crop ?? undefined },
];

export const setFormatCrop = (formatId: string, crop: Crop | null): EditOp[] => [
  { kind: "set", path: ["formatOverrides", formatId, "crop"], value: crop ?? undefined },
];

export const setAdjustment = (name: AdjustmentName, value: number): EditOp[] => [
  { kind: "set", path: ["adjustments", name], value },
];

export const resetAdjustments = (): EditOp[] => [{ kind: "set", path: ["adjustments"], value: undefined }];

export const addOverlay = (overlay: Overlay): EditOp[] => [
  { kind: "insert", path: ["overlays"], value: { ...overlay } },
];

export const removeOverlay = (id: string): EditOp[] => [{ kind: "remove", path: ["overlays"], id }];

export function setOverlayField<K extends "text" | "styleSet" | "x" | "y">(
  id: string,
  field: K,
  value: Overlay[K],
): EditOp[] {
  return [{ kind: "set", path: ["overlays", id, field], value }];
}

/** One line for the history panel: what an edit changed. */
export function describeOps(ops: readonly EditOp[]): string {
  const parts = new Set<string>();
  for (const op of ops) {
    const [head, second, third] = op.path;
    if (op.kind === "insert" && head === "overlays") parts.add("added text");
    else if (op.kind === "remove" && head === "overlays") parts.add("removed text");
    else if (head === "crop")
      parts.add(op.kind === "set" && op.value === undefined ? "reset the crop" : "cropped");
    else if (head === "adjustments") parts.add(second ? `${second}` : "reset adjustments");
    else if (head === "overlays")
      parts.add(third === "x" || third === "y" ? "moved text" : `text ${third ?? ""}`.trim());
    else if (head === "formatOverrides") parts.add(`${second ?? "format"} crop`);
    else parts.add(head ?? "edit");
  }
  return [...parts].join(", ");
}
