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

/** What an edit's ops are about, so the history can name things (a text by its words, a format by its label). */
export interface DescribeContext {
  /** The current words of each text overlay, by id. */
  texts: Record<string, string>;
  /** Format labels by id. */
  formats: Record<string, string>;
}

const adjustmentNames: Record<string, string> = {
  brightness: "the brightness",
  contrast: "the contrast",
  saturation: "the saturation",
  hue: "the hue",
  sharpen: "the sharpness",
  blur: "the blur",
};

function quoted(text: string | undefined): string {
  if (!text) return "a text";
  return `“${text.length > 24 ? `${text.slice(0, 23)}…` : text}”`;
}

/** One sentence for the history panel, written for people: "Cropped the image", "Changed the style of “Sale”". */
export function describeOps(
  ops: readonly EditOp[],
  context: DescribeContext = { texts: {}, formats: {} },
): string {
  const parts: string[] = [];
  const add = (part: string) => {
    if (!parts.includes(part)) parts.push(part);
  };
  for (const op of ops) {
    const [head, second, third] = op.path;
    if (op.kind === "insert" && head === "overlays")
      add(`Added the text ${quoted(typeof op.value.text === "string" ? op.value.text : undefined)}`);
    else if (op.kind === "remove" && head === "overlays") add(`Removed ${quoted(context.texts[op.id])}`);
    else if (head === "crop")
      add(op.kind === "set" && op.value === undefined ? "Reset the crop" : "Cropped the image");
    else if (head === "adjustments")
      add(second ? `Changed ${adjustmentNames[second] ?? second}` : "Reset the adjustments");
    else if (head === "overlays") {
      const name = quoted(context.texts[second ?? ""]);
      if (third === "x" || third === "y") add(`Moved ${name}`);
      else if (third === "text") add(`Edited the text ${name}`);
      else if (third === "styleSet") add(`Changed the style of ${name}`);
      else add(`Changed ${name}`);
    } else if (head === "formatOverrides") {
      const format = context.formats[second ?? ""] ?? second ?? "a format";
      add(
        op.kind === "set" && op.value === undefined
          ? `Reset the ${format} crop`
          : `Cropped the ${format} format`,
      );
    } else add("Edited the image");
  }
  const [first = "Edited the image", ...rest] = parts;
  return rest.length
    ? `${first}, ${rest.map((p) => p.charAt(0).toLowerCase() + p.slice(1)).join(", ")}`
    : first;
}
