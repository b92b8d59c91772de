import type { Manifold } from "manifold-3d";
import type { FigurinePart } from "./buildFigurine.ts";

/** An indexed triangle mesh in millimetres, counter-clockwise seen from outside. */
export interface TriangleMesh {
  positions: Float32Array;
  indices: Uint32Array;
  /** The part each triangle belongs to (same order as the triangles). */
  triangleParts: FigurinePart[];
}

/** The solid's triangles with shared vertices, and which part (figure, head, base, name) each came from. */
export function figurineMesh(solid: Manifold, parts: Map<number, FigurinePart>): TriangleMesh {
  const mesh = solid.getMesh();
  const numProp = mesh.numProp;
  const vertexCount = mesh.vertProperties.length / numProp;
  const positions = new Float32Array(vertexCount * 3);
  for (let v = 0; v < vertexCount; v++) {
    positions[v * 3] = mesh.vertProperties[v * numProp] ?? 0;
    positions[v * 3 + 1] = mesh.vertProperties[v * numProp + 1] ?? 0;
    positions[v * 3 + 2] = mesh.vertProperties[v * numProp + 2] ?? 0;
  }
  const indices = Uint32Array.from(mesh.triVerts);
  const triangleParts: FigurinePart[] = new Array(indices.length / 3).fill("figure");
  const runIndex = mesh.runIndex;
  const runOriginalID = mesh.runOriginalID;
  for (let run = 0; run < runOriginalID.length; run++) {
    const part = parts.get(runOriginalID[run] ?? -1) ?? "figure";
    const from = (runIndex[run] ?? 0) / 3;
    const to = (runIndex[run + 1] ?? indices.length) / 3;
    for (let t = from; t < to; t++) triangleParts[t] = part;
  }
  return { positions, indices, triangleParts };
}

/**
 * manifold-3d keeps two surfaces that touch (two lobes kissing at a point or along an edge) apart
 * with separate vertices at the same coordinates; a file format without indices (STL) welds them back
 * into an edge of four triangles. Each such vertex is moved 2 µm towards the centre of its own
 * triangles, which lie on different sides for the two surfaces, so they no longer share coordinates.
 * Returns how many vertices moved.
 */
export function separateTouchingVertices(mesh: TriangleMesh): number {
  const { positions: p, indices } = mesh;
  const byKey = new Map<string, number[]>();
  for (let v = 0; v < p.length / 3; v++) {
    const key = `${p[v * 3]},${p[v * 3 + 1]},${p[v * 3 + 2]}`;
    const list = byKey.get(key);
    if (list) list.push(v);
    else byKey.set(key, [v]);
  }
  const shared = new Set([...byKey.values()].filter((l) => l.length > 1).flat());
  if (shared.size === 0) return 0;
  // Sum of the centres of each shared vertex's triangles, and their count.
  const towards = new Map<number, [number, number, number, number]>();
  for (let t = 0; t < indices.length; t += 3) {
    const corners = [indices[t] ?? 0, indices[t + 1] ?? 0, indices[t + 2] ?? 0];
    if (!corners.some((v) => shared.has(v))) continue;
    const centre = [0, 1, 2].map((k) => corners.reduce((sum, v) => sum + (p[v * 3 + k] ?? 0), 0) / 3);
    for (const v of corners) {
      if (!shared.has(v)) continue;
      const acc = towards.get(v) ?? [0, 0, 0, 0];
      towards.set(v, [acc[0] + centre[0]!, acc[1] + centre[1]!, acc[2] + centre[2]!, acc[3] + 1]);
    }
  }
  const EPSILON_MM = 0.002;
  for (const [v, [x, y, z, n]] of towards) {
    const d = [x / n - p[v * 3]!, y / n - p[v * 3 + 1]!, z / n - p[v * 3 + 2]!];
    const len = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
    for (let k = 0; k < 3; k++) p[v * 3 + k] = p[v * 3 + k]! + (d[k]! / len) * EPSILON_MM;
  }
  return shared.size;
}
