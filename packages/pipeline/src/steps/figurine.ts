import sharp from "sharp";
import { z } from "zod";
import { throwIfCancelled } from "../analysis/throwIfCancelled.ts";
import { buildFigurine } from "../figurine/buildFigurine.ts";
import { chibiBodies } from "../figurine/figureShapes.ts";
import { figurineMesh } from "../figurine/figurineMesh.ts";
import { figurinePicture } from "../figurine/figurinePicture.ts";
import { type PrintReport, printReport } from "../figurine/printReport.ts";
import { renderMesh } from "../figurine/renderMesh.ts";
import { silhouetteOf } from "../figurine/silhouette.ts";
import { texturedMesh } from "../figurine/textureLayout.ts";
import { write3mf } from "../figurine/write3mf.ts";
import { writeGlb } from "../figurine/writeGlb.ts";
import { writeStl } from "../figurine/writeStl.ts";
import { decodeRgba, openArtifact, type RawImage } from "../imageIo.ts";
import { perImage } from "../perImage.ts";
import { defineStep } from "../step.ts";

export const figurineParams = z
  .object({
    /** inflated: a rounded body from the silhouette; standee: the silhouette cut from a board; chibi: the face on a parametric body. */
    variant: z.enum(["inflated", "standee", "chibi"]).default("inflated"),
    /** Total height including the base, millimetres. */
    heightMm: z.number().min(20).max(400).default(100),
    /** Nozzle diameter; walls thinner than two widths fail the check. */
    nozzleMm: z.number().min(0.1).max(1.2).default(0.4),
    /** Material density for the weight (PLA 1.24, PETG 1.27, resin ≈ 1.1). */
    densityGPerCm3: z.number().min(0.5).max(8).default(1.24),
    /** Inflated: how deep the body is relative to its width (0.2 flat relief … 1 round). */
    depth: z.number().min(0.2).max(1).default(0.6),
    /** Standee: board thickness, millimetres. */
    thicknessMm: z.number().min(0.5).max(30).default(4),
    /** Chibi: which parametric body the face goes on. */
    body: z.enum(chibiBodies).default("round"),
    base: z.boolean().default(true),
    /** Text on the base's front; empty for none. */
    name: z.string().max(40).default(""),
    nameStyle: z.enum(["engraved", "embossed"]).default("engraved"),
    /** Grid cells across the subject; more is finer and slower. */
    detail: z.number().int().min(48).max(160).default(96),
  })
  .strict();

export const figurineStep = defineStep({
  name: "figurine",
  description:
    "Builds a printable 3D figurine from a cut-out subject (inflated, standee or chibi, on a base with a name) and checks it for printing; GLB, STL, 3MF and a print report.",
  params: figurineParams,
  takes: "image",
  gives: "model/gltf-binary",
  vramMb: 0,
  price: { perRun: 5 },
  // Meshing, booleans and three file formats of a solid: seconds, not milliseconds.
  expectedMs: 20_000,
  models: [],
  run: (ctx) =>
    perImage(ctx, async (input, progress) => {
      const p = ctx.params;
      const rgba = await textureSized(await decodeRgba(await openArtifact(input, ctx.env)));
      progress(0.05, "tracing the outline");
      const silhouette = silhouetteOf(rgba.data, rgba.width, rgba.height, p.detail);
      throwIfCancelled(ctx.signal);
      progress(0.1, "building the solid");
      let built = await buildFigurine(silhouette, p);
      throwIfCancelled(ctx.signal);
      progress(0.5, "checking for printing");
      let mesh = figurineMesh(built.solid, built.parts);
      let report = printReport(mesh, { ...p, repairs: built.repairs });
      for (let attempt = 1; attempt <= 2 && !closedAndManifold(report); attempt++) {
        const reason = report.checks.filter(
          (c) => !c.ok && (c.name === "manifold" || c.name === "watertight"),
        );
        built = await buildFigurine(silhouette, p, attempt);
        built.repairs.push(`re-meshed on a shifted grid: ${reason.map((c) => c.detail).join("; ")}`);
        mesh = figurineMesh(built.solid, built.parts);
        report = printReport(mesh, { ...p, repairs: built.repairs });
        throwIfCancelled(ctx.signal);
      }
      throwIfCancelled(ctx.signal);
      progress(0.75, "texturing");
      const picture = await figurinePicture(rgba, p.variant, ctx.env);
      const projection =
        p.variant === "chibi" && built.head
          ? ({ kind: "face", ...built.head } as const)
          : ({ kind: "silhouette", silhouette } as const);
      const textured = texturedMesh(mesh, built, picture.atlas, projection);
      const title = p.name.trim() || "figurine";
      const [glb, render] = await Promise.all([
        writeGlb(textured, picture.png, title),
        renderMesh(textured, picture.raw),
      ]);
      await ctx.preview(render);
      progress(0.9, "writing STL and 3MF");
      const stl = writeStl(mesh);
      const threeMf = write3mf(mesh, title);
      progress(1, report.ok ? "ready to print" : "needs attention");
      const meta = { variant: p.variant, heightMm: p.heightMm, printable: report.ok };
      return {
        images: [
          { name: "figurine-render", mediaType: "image/png", data: render, width: 512, height: 512, meta },
        ],
        files: [
          { name: "figurine.glb", mediaType: "model/gltf-binary", data: glb, meta },
          { name: "figurine.stl", mediaType: "model/stl", data: stl, meta },
          { name: "figurine.3mf", mediaType: "model/3mf", data: threeMf, meta },
          {
            name: "print-report.json",
            mediaType: "application/json",
            data: Buffer.from(JSON.stringify(report, null, 2)),
            meta,
          },
        ],
        data: { printReport: report },
      };
    }),
});

function closedAndManifold(report: PrintReport): boolean {
  return report.checks.every((c) => c.ok || (c.name !== "manifold" && c.name !== "watertight"));
}

/** The texture need not be sharper than 1024 px, nor the outline: larger inputs are shrunk first. */
async function textureSized(rgba: RawImage): Promise<RawImage> {
  const longest = Math.max(rgba.width, rgba.height);
  if (longest <= 1024) return rgba;
  const { data, info } = await sharp(rgba.data, {
    raw: { width: rgba.width, height: rgba.height, channels: 4 },
  })
    .resize(1024, 1024, { fit: "inside" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 4 };
}
