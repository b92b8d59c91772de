import type { Box } from "@atelier/shared";

export type { Box };

/** A box that holds text, with the text when it was read. */
export type TextBox = Box & { text?: string };

/** What the `analyze` step finds; `repurpose` and `text-overlay` use it to choose crops and safe areas. */
export interface ImageAnalysis {
  width: number;
  height: number;
  /** Bounding box of the main subject from the ISNet mask, or null when the mask is empty. */
  subject: Box | null;
  faces: Box[];
  texts: Box[];
  /** Dominant colours as #rrggbb, most common first. */
  colours: string[];
}
