import type { Manifold, ManifoldToplevel } from "manifold-3d";
import { distanceTransform, type Silhouette, sampleGrid } from "./silhouette.ts";

/**
 * The figure itself, in grid cells: x to the right, z up (image rows flipped), y depth with the
 * front towards −y. Every shape is a manifold-3d solid, so it is closed and manifold by
 * construction.
 */

/**
 * Signed distance to the outline in cells, positive inside, per grid cell (the outline lies half-way
 * between cells), after a morphological opening by `round` cells: parts narrower than 2·round (a
 * tail, the tip of an ear) are rounded off or dropped, as a nozzle could not draw them anyway.
 */
export function openedDistance(
  s: Silhouette,
  round: number,
): { distance: Float32Array; removedCells: number } {
  const n = s.width * s.height;
  const plain = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    plain[i] = s.inside[i] ? (s.insideDistance[i] ?? 0) - 0.5 : 0.5 - (s.outsideDistance[i] ?? 0);
  }
  if (round <= 0) return { distance: plain, removedCells: 0 };
  const outsideEroded = new Uint8Array(n);
  for (let i = 0; i < n; i++) outsideEroded[i] = (plain[i] ?? 0) > round ? 0 : 1;
  const toEroded = distanceTransform(outsideEroded, s.width, s.height);
  const distance = new Float32Array(n);
  let removedCells = 0;
  for (let i = 0; i < n; i++) {
    const d = toEroded[i] ?? 0;
    distance[i] = d > 0 ? round + 0.5 - d : (plain[i] ?? 0);
    if (s.inside[i] && (distance[i] ?? 0) < 0) removedCells++;
  }
  return { distance, removedCells };
}

function maxOf(values: Float32Array): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

export interface InflateOptions {
  /** Depth of the thickest part relative to the silhouette's largest inscribed radius (0.2..1). */
  depth: number;
  /** Thinnest half-depth anywhere, in cells: keeps narrow parts (ears, tails) printable. */
  minHalfDepth: number;
  /** Edge length of the level-set grid, in cells. */
  edge: number;
  /** Iso level in cells (0 is the outline): a retry moves it off a saddle where two lobes touched. */
  level?: number;
}

/**
 * The silhouette inflated into a rounded body: the half-depth at a point follows a circular profile
 * of its distance to the outline (a disc of radius R inflates into a sphere when depth = 1).
 */
export function inflatedFigure(
  k: ManifoldToplevel,
  s: Silhouette,
  sd: Float32Array,
  o: InflateOptions,
): Manifold {
  const radius = Math.max(1, maxOf(s.insideDistance));
  const half = new Float32Array(sd.length);
  for (let i = 0; i < half.length; i++) {
    const d = Math.min(radius, Math.max(0, s.insideDistance[i] ?? 0));
    const dome = Math.sqrt(Math.max(0, d * (2 * radius - d)));
    half[i] = Math.max(o.minHalfDepth, o.depth * dome);
  }
  const maxHalf = maxOf(half) + 1;
  return k.Manifold.levelSet(
    ([x, y, z]) => {
      const gy = s.height - z;
      const inPlane = sampleGrid(sd, s.width, s.height, x, gy);
      const depth = sampleGrid(half, s.width, s.height, x, gy) - Math.abs(y);
      return Math.min(inPlane, depth);
    },
    { min: [0, -maxHalf, 0], max: [s.width, maxHalf, s.height] },
    o.edge,
    o.level ?? 0,
  );
}

/** The silhouette cut out of a board `thickness` cells thick: a standee. */
export function standeeFigure(
  k: ManifoldToplevel,
  s: Silhouette,
  sd: Float32Array,
  thickness: number,
  edge: number,
  level = 0,
): Manifold {
  const half = thickness / 2;
  return k.Manifold.levelSet(
    ([x, y, z]) => Math.min(sampleGrid(sd, s.width, s.height, x, s.height - z), half - Math.abs(y)),
    { min: [0, -half - 1, 0], max: [s.width, half + 1, s.height] },
    Math.min(edge, thickness / 2),
    level,
  );
}

export const chibiBodies = ["round", "slim"] as const;
export type ChibiBody = (typeof chibiBodies)[number];

interface Ellipsoid {
  at: [number, number, number];
  radii: [number, number, number];
  /** Tilt about the y axis, degrees. */
  tilt?: number;
}

/** Parametric bodies in head radii; the head is a sphere of radius 1 at `head`. */
const bodyTemplates: Record<ChibiBody, { head: [number, number, number]; parts: Ellipsoid[] }> = {
  round: {
    head: [0, 0, 2.25],
    parts: [
      { at: [0, 0, 1.0], radii: [0.78, 0.62, 0.82] },
      { at: [-0.78, 0, 1.05], radii: [0.24, 0.24, 0.52], tilt: -28 },
      { at: [0.78, 0, 1.05], radii: [0.24, 0.24, 0.52], tilt: 28 },
      { at: [-0.36, -0.05, 0.3], radii: [0.3, 0.34, 0.36] },
      { at: [0.36, -0.05, 0.3], radii: [0.3, 0.34, 0.36] },
    ],
  },
  slim: {
    head: [0, 0, 2.75],
    parts: [
      { at: [0, 0, 1.45], radii: [0.52, 0.42, 0.9] },
      { at: [-0.6, 0, 1.5], radii: [0.17, 0.17, 0.62], tilt: -15 },
      { at: [0.6, 0, 1.5], radii: [0.17, 0.17, 0.62], tilt: 15 },
      { at: [-0.24, 0, 0.5], radii: [0.2, 0.22, 0.62] },
      { at: [0.24, 0, 0.5], radii: [0.2, 0.22, 0.62] },
    ],
  },
};

/**
 * A chibi figure: a big head on one of the parametric bodies, `unit` cells per head radius. The
 * head and the body are kept apart (their own original ids) so the face can be textured on the head.
 */
export function chibiFigure(
  k: ManifoldToplevel,
  body: ChibiBody,
  unit: number,
): { head: Manifold; body: Manifold; headCentre: [number, number, number]; headRadius: number } {
  const template = bodyTemplates[body];
  const segments = 64;
  const parts = template.parts.map((p) =>
    k.Manifold.sphere(1, segments)
      .scale(p.radii)
      .rotate([0, p.tilt ?? 0, 0])
      .translate(p.at),
  );
  // Legs rest on a flat sole so the figure stands on its base.
  const sole = k.Manifold.cube([4, 4, 4], true).translate([0, 0, -2]);
  const torso = k.Manifold.union(parts).subtract(sole).scale(unit).asOriginal();
  const head = k.Manifold.sphere(1, segments).translate(template.head).scale(unit).asOriginal();
  const headCentre: [number, number, number] = [
    template.head[0] * unit,
    template.head[1] * unit,
    template.head[2] * unit,
  ];
  return { head, body: torso, headCentre, headRadius: unit };
}
