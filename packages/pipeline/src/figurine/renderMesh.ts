import sharp from "sharp";
import type { TexturedMesh } from "./textureLayout.ts";

export interface RenderTexture {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * A software rendering of the mesh (no GPU): orthographic camera turned `yawDeg` around the
 * figure and looking down `pitchDeg`, z-buffered triangles coloured by the texture at their centre
 * and lit by one soft directional light plus ambient. Returns a PNG `size` pixels square.
 */
export async function renderMesh(
  mesh: TexturedMesh,
  texture: RenderTexture,
  opts: { size?: number; yawDeg?: number; pitchDeg?: number } = {},
): Promise<Buffer> {
  const size = opts.size ?? 512;
  const yaw = ((opts.yawDeg ?? -30) * Math.PI) / 180;
  const pitch = ((opts.pitchDeg ?? 15) * Math.PI) / 180;
  const { positions: p, indices, uvs } = mesh;
  const n = p.length / 3;
  // View space: rotate about y (yaw), then about x (pitch).
  const vx = new Float32Array(n);
  const vy = new Float32Array(n);
  const vz = new Float32Array(n);
  const [cy, sy, cp, sp] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch)];
  for (let i = 0; i < n; i++) {
    const x = p[i * 3]!;
    const y = p[i * 3 + 1]!;
    const z = p[i * 3 + 2]!;
    const x1 = x * cy + z * sy;
    const z1 = -x * sy + z * cy;
    vx[i] = x1;
    vy[i] = y * cp - z1 * sp;
    vz[i] = y * sp + z1 * cp;
  }
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, vx[i]!);
    maxX = Math.max(maxX, vx[i]!);
    minY = Math.min(minY, vy[i]!);
    maxY = Math.max(maxY, vy[i]!);
  }
  const scale = (size * 0.86) / Math.max(maxX - minX, maxY - minY, 1e-9);
  const ox = size / 2 - ((minX + maxX) / 2) * scale;
  const oy = size / 2 + ((minY + maxY) / 2) * scale;
  const image = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const shade = Math.round(246 - (y / size) * 30);
    for (let x = 0; x < size; x++) image.set([shade, shade, shade + 4], (y * size + x) * 3);
  }
  const depth = new Float32Array(size * size).fill(-Infinity);
  const light = normalise([-0.4, 0.7, 0.6]);
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    const ax = vx[a]! * scale + ox;
    const ay = oy - vy[a]! * scale;
    const bx = vx[b]! * scale + ox;
    const by = oy - vy[b]! * scale;
    const cx = vx[c]! * scale + ox;
    const cyy = oy - vy[c]! * scale;
    const area = (bx - ax) * (cyy - ay) - (by - ay) * (cx - ax);
    if (area >= 0) continue; // facing away (screen y points down)
    const normal = normalise(faceNormal(vx, vy, vz, a, b, c));
    const lit = 0.35 + 0.65 * Math.max(0, normal[0] * light[0] + normal[1] * light[1] + normal[2] * light[2]);
    const u = ((uvs[a * 2]! + uvs[b * 2]! + uvs[c * 2]!) / 3) * (texture.width - 1);
    const v = ((uvs[a * 2 + 1]! + uvs[b * 2 + 1]! + uvs[c * 2 + 1]!) / 3) * (texture.height - 1);
    const ti = (Math.round(v) * texture.width + Math.round(u)) * texture.channels;
    const colour = [0, 1, 2].map((k) => Math.min(255, (texture.data[ti + k] ?? 128) * lit));
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
    const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cyy)));
    const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cyy)));
    for (let py = y0; py <= y1; py++)
      for (let px = x0; px <= x1; px++) {
        const sx = px + 0.5;
        const syy = py + 0.5;
        const w0 = ((bx - sx) * (cyy - syy) - (by - syy) * (cx - sx)) / area;
        const w1 = ((cx - sx) * (ay - syy) - (cyy - syy) * (ax - sx)) / area;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = w0 * vz[a]! + w1 * vz[b]! + w2 * vz[c]!;
        const at = py * size + px;
        if (z <= depth[at]!) continue;
        depth[at] = z;
        image[at * 3] = colour[0]!;
        image[at * 3 + 1] = colour[1]!;
        image[at * 3 + 2] = colour[2]!;
      }
  }
  return sharp(image, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

function faceNormal(x: Float32Array, y: Float32Array, z: Float32Array, a: number, b: number, c: number) {
  const e1 = [x[b]! - x[a]!, y[b]! - y[a]!, z[b]! - z[a]!];
  const e2 = [x[c]! - x[a]!, y[c]! - y[a]!, z[c]! - z[a]!];
  return [
    e1[1]! * e2[2]! - e1[2]! * e2[1]!,
    e1[2]! * e2[0]! - e1[0]! * e2[2]!,
    e1[0]! * e2[1]! - e1[1]! * e2[0]!,
  ] as [number, number, number];
}

function normalise(v: [number, number, number]): [number, number, number] {
  const len = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / len, v[1] / len, v[2] / len];
}
