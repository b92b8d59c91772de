import type { TriangleMesh } from "./figurineMesh.ts";

/** Binary STL: an 80-byte header, the triangle count, then a normal and three corners per triangle (mm). */
export function writeStl(mesh: TriangleMesh, header = "Atelier figurine, millimetres"): Buffer {
  const { positions: p, indices } = mesh;
  const count = indices.length / 3;
  const out = Buffer.alloc(84 + count * 50);
  out.write(header.slice(0, 80), 0, "ascii");
  out.writeUInt32LE(count, 80);
  let at = 84;
  for (let t = 0; t < count; t++) {
    const corners = [0, 1, 2].map((k) => (indices[t * 3 + k] ?? 0) * 3);
    const [a = 0, b = 0, c = 0] = corners;
    const e1 = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!];
    const e2 = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!];
    const n = [
      e1[1]! * e2[2]! - e1[2]! * e2[1]!,
      e1[2]! * e2[0]! - e1[0]! * e2[2]!,
      e1[0]! * e2[1]! - e1[1]! * e2[0]!,
    ];
    const len = Math.hypot(n[0]!, n[1]!, n[2]!) || 1;
    for (const v of n) {
      out.writeFloatLE(v / len, at);
      at += 4;
    }
    for (const v of corners)
      for (let k = 0; k < 3; k++) {
        out.writeFloatLE(p[v + k] ?? 0, at);
        at += 4;
      }
    at += 2; // attribute byte count, 0
  }
  return out;
}
