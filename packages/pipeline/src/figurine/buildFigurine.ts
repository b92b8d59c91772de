import type { Manifold, ManifoldToplevel } from "manifold-3d";
import {
  type ChibiBody,
  chibiFigure,
  inflatedFigure,
  openedDistance,
  standeeFigure,
} from "./figureShapes.ts";
import { manifoldKernel } from "./manifoldKernel.ts";
import { textOutline } from "./nameplateText.ts";
import type { Silhouette } from "./silhouette.ts";

export type FigurineVariant = "inflated" | "standee" | "chibi";

export interface FigurineOptions {
  variant: FigurineVariant;
  heightMm: number;
  nozzleMm: number;
  /** Relief depth of the inflated variant (0.2..1). */
  depth: number;
  /** Board thickness of the standee, mm. */
  thicknessMm: number;
  body: ChibiBody;
  base: boolean;
  name: string;
  nameStyle: "engraved" | "embossed";
}

/** Which solid a triangle came from, so the texture can be laid out per part. */
export type FigurinePart = "figure" | "head" | "base" | "name";

export interface BuiltFigurine {
  /** In millimetres, z up, standing on z = 0, centred on x and y. */
  solid: Manifold;
  /** manifold-3d original id → part. */
  parts: Map<number, FigurinePart>;
  /** Maps a point of the finished solid (mm) back to the grid cells it was built in. */
  toCells: (p: [number, number, number]) => [number, number, number];
  /** For the chibi variant: the head's centre and radius in cells. */
  head?: { centre: [number, number, number]; radius: number };
  repairs: string[];
}

/** Levels of the grid per figure height: finer is smoother and slower (≈100 k triangles at 110). */
const LEVELS = 110;

/**
 * `attempt` > 0 builds on a slightly different level-set grid: where two surfaces of the first mesh
 * touched along an edge (closed, but not manifold once an STL reader welds equal coordinates), the
 * shifted grid moves them apart.
 */
export async function buildFigurine(s: Silhouette, o: FigurineOptions, attempt = 0): Promise<BuiltFigurine> {
  const k = await manifoldKernel();
  const parts = new Map<number, FigurinePart>();
  const repairs: string[] = [];
  const figureCells = o.variant === "chibi" ? 3.4 * 30 : subjectHeight(s);
  const baseCells = o.base ? figureCells * 0.14 : 0;
  // First estimate of the scale, for the thicknesses given in millimetres.
  const mmPerCell = o.heightMm / (figureCells + baseCells);
  const minWall = 2 * o.nozzleMm;
  const edge = (Math.max(figureCells, s.width) / LEVELS) * (1 + 0.0137 * attempt);
  const level = 0.06 * attempt;

  let figure: Manifold;
  let head: BuiltFigurine["head"];
  const outline = () => {
    const opened = openedDistance(s, minWall / 2 / mmPerCell);
    if (opened.removedCells > 0) {
      const area = opened.removedCells * mmPerCell * mmPerCell;
      repairs.push(
        `rounded off ${area.toFixed(1)} mm² of outline narrower than ${minWall} mm (two nozzle widths)`,
      );
    }
    return opened.distance;
  };
  if (o.variant === "inflated") {
    const minHalfDepth = Math.max(minWall / mmPerCell / 2, edge);
    figure = inflatedFigure(k, s, outline(), { depth: o.depth, minHalfDepth, edge, level }).asOriginal();
    parts.set(figure.originalID(), "figure");
  } else if (o.variant === "standee") {
    let thickness = o.thicknessMm;
    if (thickness < minWall) {
      repairs.push(`standee thickened from ${o.thicknessMm} mm to ${minWall} mm (two nozzle widths)`);
      thickness = minWall;
    }
    figure = standeeFigure(k, s, outline(), thickness / mmPerCell, edge, level).asOriginal();
    parts.set(figure.originalID(), "figure");
  } else {
    const chibi = chibiFigure(k, o.body, 30);
    parts.set(chibi.head.originalID(), "head");
    parts.set(chibi.body.originalID(), "figure");
    figure = chibi.head.add(chibi.body);
    head = { centre: chibi.headCentre, radius: chibi.headRadius };
  }

  const box = figure.boundingBox();
  let solid = figure;
  if (o.base) {
    const base = baseSolid(k, box, baseCells).asOriginal();
    parts.set(base.originalID(), "base");
    solid = solid.add(base);
    if (o.name.trim()) {
      const name = nameSolid(
        k,
        o.name.trim(),
        base.boundingBox(),
        o.nameStyle === "engraved",
        mmPerCell,
        minWall,
      );
      if (name) {
        parts.set(name.originalID(), "name");
        solid = o.nameStyle === "engraved" ? solid.subtract(name) : solid.add(name);
      }
    }
  }
  const whole = solid.boundingBox();
  const scale = o.heightMm / (whole.max[2] - whole.min[2]);
  const offset: [number, number, number] = [
    -(whole.min[0] + whole.max[0]) / 2,
    -(whole.min[1] + whole.max[1]) / 2,
    -whole.min[2],
  ];
  // A retry skips the simplification: merging triangles near a thin neck can pinch two surfaces together.
  const finished = repair(solid.translate(offset).scale(scale), repairs, attempt === 0 ? 0.05 : 0);
  const toCells = (p: [number, number, number]): [number, number, number] => [
    p[0] / scale - offset[0],
    p[1] / scale - offset[1],
    p[2] / scale - offset[2],
  ];
  return { solid: finished, parts, toCells, head, repairs };
}

/**
 * Drops fragments under 0.5 % of the largest piece's volume (specks of the outline that the level set
 * closed on their own) and merges coplanar and near-coplanar triangles to within 0.05 mm, well under a
 * printer's layer height.
 */
function repair(solid: Manifold, repairs: string[], tolerance: number): Manifold {
  const simplified = tolerance > 0 ? solid.simplify(tolerance) : solid;
  const pieces = simplified.decompose();
  let result = simplified;
  if (pieces.length > 1) {
    const largest = Math.max(...pieces.map((p) => p.volume()));
    const kept = pieces.filter((p) => p.volume() >= largest * 0.005);
    if (kept.length < pieces.length) {
      const dropped = pieces.filter((p) => !kept.includes(p));
      for (const p of dropped) {
        const volume = p.volume();
        // Zero-volume shells are where two faces met exactly; not worth a line in the report.
        if (volume < 1e-3) continue;
        const at = p
          .boundingBox()
          .min.map((v) => v.toFixed(1))
          .join(", ");
        repairs.push(`removed a loose fragment of ${volume.toFixed(2)} mm³ at (${at}) mm`);
      }
      result = kept.length === 1 && kept[0] ? kept[0] : unionOf(kept);
    }
  }
  return result;
}

function unionOf(pieces: Manifold[]): Manifold {
  return pieces.reduce((a, b) => a.add(b));
}

/** Rows from the subject's top to its bottom, in cells. */
function subjectHeight(s: Silhouette): number {
  let top = s.height;
  let bottom = 0;
  for (let y = 0; y < s.height; y++)
    for (let x = 0; x < s.width; x++)
      if (s.inside[y * s.width + x]) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y + 1);
      }
  return Math.max(1, bottom - top);
}

/** A rounded slab the figure stands on, sunk one level into the figure's feet so the two fuse. */
function baseSolid(k: ManifoldToplevel, figure: { min: number[]; max: number[] }, height: number): Manifold {
  const [minX = 0, minY = 0, minZ = 0] = figure.min;
  const [maxX = 0, maxY = 0] = figure.max;
  const width = maxX - minX;
  const margin = Math.max(width * 0.08, height * 0.4);
  const depth = Math.max(maxY - minY, width * 0.45) + 2 * margin;
  const round = Math.min(depth, width + 2 * margin) * 0.15;
  const outline = new k.CrossSection([
    [
      [0, 0],
      [width + 2 * margin - 2 * round, 0],
      [width + 2 * margin - 2 * round, depth - 2 * round],
      [0, depth - 2 * round],
    ],
  ]).offset(round, "Round", 2, 24);
  // Off the level-set grid, so the base's top never lies in the plane of a grid layer.
  const overlap = height * 0.1237;
  return outline
    .extrude(height + overlap)
    .translate([minX - margin + round, (minY + maxY) / 2 - depth / 2 + round, minZ - height]);
}

/** The name across the base's front face, to cut into it or to stand out of it by 0.8 mm. */
function nameSolid(
  k: ManifoldToplevel,
  name: string,
  base: { min: number[]; max: number[] },
  engraved: boolean,
  mmPerCell: number,
  minWall: number,
): Manifold | undefined {
  const [minX = 0, minY = 0, minZ = 0] = base.min;
  const [maxX = 0, , maxZ = 0] = base.max;
  const baseHeight = maxZ - minZ;
  const { outline, width } = textOutline(name, 1, { tracking: 0.1 });
  if (outline.length === 0 || width <= 0) return undefined;
  // Cap height ≈ 0.73 em: letters take half the base's height, narrower if the name is long.
  const size = Math.min((baseHeight * 0.5) / 0.73, ((maxX - minX) * 0.84) / width);
  const relief = 0.8 / mmPerCell;
  // Engraved, a gap between strokes narrower than a printable wall leaves a ridge the nozzle cannot
  // draw: closing the outline by half a wall fills those gaps. Embossed, opening it drops strokes that thin.
  const half = (minWall / 2 / mmPerCell) * 1.05;
  const letters = new k.CrossSection(outline, "EvenOdd").scale(size);
  const text = engraved
    ? letters.offset(half, "Round", 2, 12).offset(-half, "Round", 2, 12)
    : letters.offset(-half, "Round", 2, 12).offset(half, "Round", 2, 12);
  const bounds = text.bounds();
  const centred = text.translate([
    -(bounds.min[0] + bounds.max[0]) / 2,
    -(bounds.min[1] + bounds.max[1]) / 2,
  ]);
  // Extruded along +z, then turned so the letters stand up and face −y (the front).
  const solid = centred.extrude(relief * 1.2).rotate([90, 0, 0]);
  const front = minY;
  const y = engraved ? front + relief : front + relief * 0.2;
  return solid.translate([(minX + maxX) / 2, y, minZ + baseHeight * 0.45]).asOriginal();
}
