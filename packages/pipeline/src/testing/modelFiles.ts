/// <reference path="./gltfValidator.d.ts" />
import { unzipSync } from "fflate";
import { validateBytes } from "gltf-validator";
import { STLLoader } from "three/examples/jsm/loaders/STLLoader.js";

/**
 * Independent readers for the figurine's files, for tests: three.js's STL loader, the Khronos glTF
 * validator, and a 3MF read with fflate and the XML as text. None of them shares code with the writers.
 */

export interface ReadMesh {
  /** Corner coordinates, three per corner, nine per triangle. */
  corners: Float32Array;
}

export function readStl(bytes: Buffer): ReadMesh {
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  const geometry = new STLLoader().parse(copy);
  return { corners: Float32Array.from(geometry.getAttribute("position").array) };
}

export function read3mf(bytes: Buffer): ReadMesh & { unit: string } {
  const files = unzipSync(new Uint8Array(bytes));
  const model = new TextDecoder().decode(files["3D/3dmodel.model"]);
  const unit = /<model[^>]*\bunit="([^"]+)"/.exec(model)?.[1] ?? "millimeter";
  const vertices = [...model.matchAll(/<vertex x="([^"]+)" y="([^"]+)" z="([^"]+)"\/>/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
  ]);
  const corners: number[] = [];
  for (const m of model.matchAll(/<triangle v1="(\d+)" v2="(\d+)" v3="(\d+)"\/>/g)) {
    for (const v of [m[1], m[2], m[3]]) corners.push(...(vertices[Number(v)] ?? [Number.NaN, 0, 0]));
  }
  return { corners: Float32Array.from(corners), unit };
}

export interface MeshFacts {
  triangles: number;
  /** Edges not used by exactly two triangles once vertices are welded by their coordinates. */
  badEdges: number;
  volume: number;
  size: [number, number, number];
}

export function meshFacts(mesh: ReadMesh): MeshFacts {
  const c = mesh.corners;
  const edges = new Map<string, number>();
  const key = (i: number) => `${c[i]},${c[i + 1]},${c[i + 2]}`;
  let six = 0;
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let t = 0; t < c.length; t += 9) {
    const k = [key(t), key(t + 3), key(t + 6)];
    for (let e = 0; e < 3; e++) {
      const a = k[e] ?? "";
      const b = k[(e + 1) % 3] ?? "";
      const edge = a < b ? `${a}|${b}` : `${b}|${a}`;
      edges.set(edge, (edges.get(edge) ?? 0) + 1);
    }
    const [ax, ay, az, bx, by, bz, cx, cy, cz] = Array.from(c.subarray(t, t + 9));
    six += ax! * (by! * cz! - bz! * cy!) - ay! * (bx! * cz! - bz! * cx!) + az! * (bx! * cy! - by! * cx!);
    for (let i = 0; i < 9; i++) {
      const v = c[t + i]!;
      min[i % 3] = Math.min(min[i % 3]!, v);
      max[i % 3] = Math.max(max[i % 3]!, v);
    }
  }
  let badEdges = 0;
  for (const count of edges.values()) if (count !== 2) badEdges++;
  return {
    triangles: c.length / 9,
    badEdges,
    volume: six / 6,
    size: [max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!],
  };
}

/** The Khronos validator's report: errors and the mesh's extent along y (glTF's up) in metres. */
export async function validateGlb(bytes: Buffer): Promise<{ errors: string[]; triangles: number }> {
  const report = await validateBytes(new Uint8Array(bytes), { maxIssues: 50 });
  return {
    errors: report.issues.messages.filter((m) => m.severity === 0).map((m) => `${m.code}: ${m.message}`),
    triangles: report.info?.totalTriangleCount ?? 0,
  };
}
