import {
  type AdjustmentName,
  type Adjustments,
  adjustmentsSchema,
  type EditDocumentJson,
  type Overlay,
  type RelativeCrop,
} from "@atelier/shared";

export type { AdjustmentName, Adjustments, Overlay };
/** The editor's reading of an asset's edit document, in the types of its schema (`editDocumentSchema`). */
export type Crop = RelativeCrop;

export interface EditorDocument {
  crop: Crop | null;
  adjustments: Adjustments;
  overlays: Overlay[];
  formatCrops: Record<string, Crop>;
}

/** What every adjustment is when nobody changed it: the schema's defaults. */
export const neutralAdjustments: Adjustments = adjustmentsSchema.parse({});

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
const control = (
  name: AdjustmentName,
  label: string,
  range: Pick<AdjustmentControl, "min" | "max" | "step" | "unit">,
): AdjustmentControl => ({ name, label, ...range, neutral: neutralAdjustments[name] });

export const adjustmentControls: readonly AdjustmentControl[] = [
  control("brightness", "Brightness", { min: 0, max: 2, step: 0.01, unit: "×" }),
  control("contrast", "Contrast", { min: 0, max: 2, step: 0.01, unit: "×" }),
  control("saturation", "Saturation", { min: 0, max: 2, step: 0.01, unit: "×" }),
  control("hue", "Hue", { min: -180, max: 180, step: 1, unit: "°" }),
  control("sharpen", "Sharpen", { min: 0, max: 5, step: 0.1, unit: "" }),
  control("blur", "Blur", { min: 0, max: 20, step: 0.1, unit: "" }),
];

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
