import type { EditDocumentJson } from "@atelier/shared";

/** The editor's reading of an asset's edit document (the pipeline's schema, which the browser bundle must not import). */
export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Overlay {
  id: string;
  text: string;
  styleSet: string;
  x: number;
  y: number;
  maxWidth?: number;
}

export type AdjustmentName = "brightness" | "contrast" | "saturation" | "hue" | "sharpen" | "blur";
export type Adjustments = Record<AdjustmentName, number>;

export interface EditorDocument {
  crop: Crop | null;
  adjustments: Adjustments;
  overlays: Overlay[];
  formatCrops: Record<string, Crop>;
}

export interface AdjustmentControl {
  name: AdjustmentName;
  label: string;
  min: number;
  max: number;
  step: number;
  neutral: number;
  unit: string;
}

/** Ranges people actually use; the server accepts wider ones (brightness up to 4, blur up to 100). */
export const adjustmentControls: readonly AdjustmentControl[] = [
  { name: "brightness", label: "Brightness", min: 0, max: 2, step: 0.01, neutral: 1, unit: "×" },
  { name: "contrast", label: "Contrast", min: 0, max: 2, step: 0.01, neutral: 1, unit: "×" },
  { name: "saturation", label: "Saturation", min: 0, max: 2, step: 0.01, neutral: 1, unit: "×" },
  { name: "hue", label: "Hue", min: -180, max: 180, step: 1, neutral: 0, unit: "°" },
  { name: "sharpen", label: "Sharpen", min: 0, max: 5, step: 0.1, neutral: 0, unit: "" },
  { name: "blur", label: "Blur", min: 0, max: 20, step: 0.1, neutral: 0, unit: "" },
];

export const neutralAdjustments: Adjustments = Object.fromEntries(
  adjustmentControls.map((c) => [c.name, c.neutral]),
) as Adjustments;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readCrop(value: unknown): Crop | null {
  if (!isRecord(value)) return null;
  const { x, y, width, height } = value;
  if ([x, y, width, height].some((n) => typeof n !== "number")) return null;
  return { x: x as number, y: y as number, width: width as number, height: height as number };
}

/** Tolerant: a document written by a newer client still opens, unknown fields are left alone. */
export function readDocument(doc: EditDocumentJson): EditorDocument {
  const adjustments = { ...neutralAdjustments };
  if (isRecord(doc.adjustments)) {
    for (const control of adjustmentControls) {
      const value = doc.adjustments[control.name];
      if (typeof value === "number") adjustments[control.name] = value;
    }
  }
  const overlays = Array.isArray(doc.overlays)
    ? doc.overlays.filter(isRecord).map((o) => ({
        id: String(o.id),
        text: typeof o.text === "string" ? o.text : "",
        styleSet: typeof o.styleSet === "string" ? o.styleSet : "body",
        x: typeof o.x === "number" ? o.x : 0,
        y: typeof o.y === "number" ? o.y : 0,
        ...(typeof o.maxWidth === "number" ? { maxWidth: o.maxWidth } : {}),
      }))
    : [];
  const formatCrops: Record<string, Crop> = {};
  if (isRecord(doc.formatOverrides)) {
    for (const [formatId, override] of Object.entries(doc.formatOverrides)) {
      const crop = isRecord(override) ? readCrop(override.crop) : null;
      if (crop) formatCrops[formatId] = crop;
    }
  }
  return { crop: readCrop(doc.crop), adjustments, overlays, formatCrops };
}

/** The browser's quick look of the adjustments while the server renders the real thing. */
export function cssFilterOf(adj: Adjustments, pixelScale: number): string {
  const parts = [
    `brightness(${adj.brightness})`,
    `contrast(${adj.contrast})`,
    `saturate(${adj.saturation})`,
    `hue-rotate(${adj.hue}deg)`,
  ];
  if (adj.blur >= 0.3) parts.push(`blur(${(adj.blur * pixelScale).toFixed(2)}px)`);
  return parts.join(" ");
}

export function formatAdjustment(control: AdjustmentControl, value: number): string {
  const digits = control.step >= 1 ? 0 : control.step >= 0.1 ? 1 : 2;
  return `${value.toFixed(digits)}${control.unit}`;
}
