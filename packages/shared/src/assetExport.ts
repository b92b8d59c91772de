import { z } from "zod";
import { id } from "./ids.ts";

/** The image formats an edited asset can be exported in. */
export const exportFormatSchema = z.enum(["png", "jpeg", "webp", "avif"]);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const mediaTypeOfFormat: Record<ExportFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
};

export const exportAssetInput = z.object({
  assetId: id,
  format: exportFormatSchema.default("png"),
  /** 1-100 for JPEG, WebP and AVIF (each format's own default when omitted); PNG is lossless and ignores it. */
  quality: z.number().int().min(1).max(100).optional(),
});

/** An export of an asset as edited, at full resolution: a signed link to download it. */
export interface AssetExportView {
  url: string;
  filename: string;
  mediaType: string;
  bytes: number;
  /** The edit document revision the file shows (0: the original, converted). */
  revision: number;
}
