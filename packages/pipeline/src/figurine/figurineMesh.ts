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
