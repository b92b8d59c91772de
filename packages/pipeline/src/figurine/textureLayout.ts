import type { BuiltFigurine, FigurinePart } from "./buildFigurine.ts";
import type { TriangleMesh } from "./figurineMesh.ts";
import type { Silhouette } from "./silhouette.ts";

/**
 * The texture is the stylized picture with three plain bands under it (the subject's colour for
 * what the picture does not cover, the base's colour, the name's colour). Band rows are this tall.
 */
export const BAND_PX = 16;
export const bandRows = { body: 0, base: 1, name: 2 } as const;

export interface TextureAtlas {
  width: number;
  /** Height of the picture part; the atlas is `pictureHeight + 3 · BAND_PX` tall. */
  pictureHeight: number;
}

/** How a point of the finished solid maps into the picture, per variant. */
export type PictureProjection =
  | { kind: "silhouette"; silhouette: Silhouette }
  | { kind: "face"; centre: [number, number, number]; radius: number };

export interface TexturedMesh {
  /** glTF space: metres, y up, the figure facing +z. */
  positions: Float32Array;
  normals: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
}

/**
 * Re-indexes the mesh for a textured glTF: a vertex where two parts meet is split, one copy per
 * part, because each part samples a different place of the atlas. Normals are smoothed per part.
 */
export function texturedMesh(
  mesh: TriangleMesh,
  built: Pick<BuiltFigurine, "toCells">,
  atlas: TextureAtlas,
  projection: PictureProjection,
): TexturedMesh {
  const atlasHeight = atlas.pictureHeight + 3 * BAND_PX;
  const band = (row: number): [number, number] => [
    0.5,
    (atlas.pictureHeight + (row + 0.5) * BAND_PX) / atlasHeight,
  ];
  const uvOf = (part: FigurinePart, p: [number, number, number]): [number, number] => {
    if (part === "base") return band(bandRows.base);
    if (part === "name") return band(bandRows.name);
    const c = built.toCells(p);
    if (projection.kind === "silhouette" && part === "figure") {
      const s = projection.silhouette;
      const px = s.left + c[0] * s.scale;
      const py = s.top + (s.height - c[2]) * s.scale;
      return [clamp(px / atlas.width), clamp(py / atlasHeight, atlas.pictureHeight / atlasHeight)];
    }
    if (projection.kind === "face" && part === "head") {
      const dx = (c[0] - projection.centre[0]) / projection.radius;
      const dy = (c[1] - projection.centre[1]) / projection.radius;
      const dz = (c[2] - projection.centre[2]) / projection.radius;
      // The face covers the front of the head; the back and the rim take the body colour.
      if (dy < -0.2 && Math.abs(dx) < 0.85 && Math.abs(dz) < 0.85) {
        const u = 0.5 + dx / 1.7;
        const v = (0.5 - dz / 1.7) * (atlas.pictureHeight / atlasHeight);
        return [clamp(u), clamp(v, atlas.pictureHeight / atlasHeight)];
      }
    }
    return band(bandRows.body);
  };

  const { positions: p, indices, triangleParts } = mesh;
  const remap = new Map<number, number>();
  const outPositions: number[] = [];
  const outUvs: number[] = [];
  const outIndices = new Uint32Array(indices.length);
  const partCode: Record<FigurinePart, number> = { figure: 0, head: 1, base: 2, name: 3 };
  for (let t = 0; t < indices.length; t++) {
    const v = indices[t] ?? 0;
    const part = triangleParts[Math.floor(t / 3)] ?? "figure";
    const key = v * 4 + partCode[part];
    let index = remap.get(key);
    if (index === undefined) {
      index = outPositions.length / 3;
      remap.set(key, index);
      const point: [number, number, number] = [p[v * 3] ?? 0, p[v * 3 + 1] ?? 0, p[v * 3 + 2] ?? 0];
      // Printer space (mm, z up, front −y) → glTF (m, y up, front +z).
      outPositions.push(point[0] / 1000, point[2] / 1000, -point[1] / 1000);
      outUvs.push(...uvOf(part, point));
    }
    outIndices[t] = index;
  }
  const positions = Float32Array.from(outPositions);
  return {
    positions,
    normals: smoothNormals(positions, outIndices),
    uvs: Float32Array.from(outUvs),
    indices: outIndices,
  };
}

const clamp = (v: number, max = 1) => Math.min(max - 1e-4, Math.max(1e-4, v));

function smoothNormals(p: Float32Array, idx: Uint32Array): Float32Array {
  const n = new Float32Array(p.length);
  for (let t = 0; t < idx.length; t += 3) {
    const a = (idx[t] ?? 0) * 3;
    const b = (idx[t + 1] ?? 0) * 3;
    const c = (idx[t + 2] ?? 0) * 3;
    const e1 = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!];
    const e2 = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!];
    const fx = e1[1]! * e2[2]! - e1[2]! * e2[1]!;
    const fy = e1[2]! * e2[0]! - e1[0]! * e2[2]!;
    const fz = e1[0]! * e2[1]! - e1[1]! * e2[0]!;
    for (const v of [a, b, c]) {
      n[v] = n[v]! + fx;
      n[v + 1] = n[v + 1]! + fy;
      n[v + 2] = n[v + 2]! + fz;
    }
  }
  for (let i = 0; i < n.length; i += 3) {
    const len = Math.hypot(n[i]!, n[i + 1]!, n[i + 2]!) || 1;
    n[i] = n[i]! / len;
    n[i + 1] = n[i + 1]! / len;
    n[i + 2] = n[i + 2]! / len;
  }
  return n;
}
