import type { TriangleMesh } from "./figurineMesh.ts";

export interface PrintCheck {
  name: "watertight" | "manifold" | "volume" | "wall-thickness" | "height";
  ok: boolean;
  detail: string;
  /** Where a failed check failed, in mm (at most a few points). */
  where?: Array<[number, number, number]>;
}

export interface PrintReport {
  ok: boolean;
  triangles: number;
  vertices: number;
  boundingBoxMm: {
    min: [number, number, number];
    max: [number, number, number];
    size: [number, number, number];
  };
  volumeMm3: number;
  material: { densityGPerCm3: number; weightG: number };
  nozzleMm: number;
  /** Thinnest wall found by casting rays inward from sampled triangles. */
  minWallMm: number;
  checks: PrintCheck[];
  repairs: string[];
}

export interface PrintOptions {
  heightMm: number;
  nozzleMm: number;
  densityGPerCm3: number;
  repairs: string[];
}

/**
 * Checks a mesh as a slicer would read it: vertices are matched by their float32 coordinates (as
 * in an STL file), every edge must be used by exactly two triangles in opposite directions, the
 * enclosed volume must be positive, walls at least two nozzle widths, the height as asked (1 %).
 */
export function printReport(mesh: TriangleMesh, o: PrintOptions): PrintReport {
  const { positions, indices } = mesh;
  const triangles = indices.length / 3;
  const checks: PrintCheck[] = [];
  const edges = edgeUse(mesh);
  const open: Array<[number, number, number]> = [];
  const overused: Array<[number, number, number]> = [];
  let openCount = 0;
  let overCount = 0;
  let flipped = 0;
  for (const [key, use] of edges) {
    if (use.count === 2 && use.balance === 0) continue;
    const at = edgeMidpoint(key);
    if (use.count < 2) {
      openCount++;
      if (open.length < 5) open.push(at);
    } else if (use.count > 2) {
      overCount++;
      if (overused.length < 5) overused.push(at);
    } else flipped++;
  }
  checks.push({
    name: "watertight",
    ok: openCount === 0,
    detail: openCount === 0 ? `all ${edges.size} edges closed` : `${openCount} edges bound only one triangle`,
    ...(openCount ? { where: open } : {}),
  });
  checks.push({
    name: "manifold",
    ok: overCount === 0 && flipped === 0,
    detail:
      overCount + flipped === 0
        ? "every edge is shared by exactly two consistently oriented triangles"
        : `${overCount} edges shared by more than two triangles, ${flipped} with inconsistent orientation`,
    ...(overCount ? { where: overused } : {}),
  });
  const volumeMm3 = signedVolume(positions, indices);
  checks.push({
    name: "volume",
    ok: volumeMm3 > 0,
    detail: volumeMm3 > 0 ? `${round(volumeMm3 / 1000, 2)} cm³` : "the surface encloses no positive volume",
  });
  const box = bounds(positions);
  const height = box.size[2];
  const heightOk = Math.abs(height - o.heightMm) <= o.heightMm * 0.01;
  checks.push({
    name: "height",
    ok: heightOk,
    detail: `${round(height, 2)} mm tall, ${o.heightMm} mm asked`,
  });
  const thin = thinnestWall(positions, indices);
  const minWall = 2 * o.nozzleMm;
  checks.push({
    name: "wall-thickness",
    ok: thin.thickness >= minWall,
    detail:
      thin.thickness >= minWall
        ? `thinnest wall ${round(thin.thickness, 2)} mm ≥ ${minWall} mm (two ${o.nozzleMm} mm nozzle widths)`
        : `a wall of ${round(thin.thickness, 2)} mm is thinner than two ${o.nozzleMm} mm nozzle widths (${minWall} mm)`,
    ...(thin.thickness < minWall ? { where: [thin.at] } : {}),
  });
  return {
    ok: checks.every((c) => c.ok),
    triangles,
    vertices: positions.length / 3,
    boundingBoxMm: box,
    volumeMm3: round(volumeMm3, 1),
    material: {
      densityGPerCm3: o.densityGPerCm3,
      weightG: round((Math.max(0, volumeMm3) / 1000) * o.densityGPerCm3, 1),
    },
    nozzleMm: o.nozzleMm,
    minWallMm: round(thin.thickness, 2),
    checks,
    repairs: o.repairs,
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

interface EdgeUse {
  count: number;
  /** +1 per use from the lower to the higher vertex key, −1 the other way: 0 when oriented consistently. */
  balance: number;
}

/** Edges keyed by the float32 coordinates of their ends, as an STL reader would weld them. */
function edgeUse(mesh: TriangleMesh): Map<string, EdgeUse> {
  const { positions, indices } = mesh;
  const keyOf = (v: number) => `${positions[v * 3]},${positions[v * 3 + 1]},${positions[v * 3 + 2]}`;
  const vertexKeys = new Array<string>(positions.length / 3);
  for (let v = 0; v < vertexKeys.length; v++) vertexKeys[v] = keyOf(v);
  const edges = new Map<string, EdgeUse>();
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = vertexKeys[indices[t + e] ?? 0] ?? "";
      const b = vertexKeys[indices[t + ((e + 1) % 3)] ?? 0] ?? "";
      const forward = a < b;
      const key = forward ? `${a}|${b}` : `${b}|${a}`;
      const use = edges.get(key) ?? { count: 0, balance: 0 };
      use.count++;
      use.balance += forward ? 1 : -1;
      edges.set(key, use);
    }
  }
  return edges;
}

function edgeMidpoint(key: string): [number, number, number] {
  const [a = "", b = ""] = key.split("|");
  const pa = a.split(",").map(Number);
  const pb = b.split(",").map(Number);
  return [0, 1, 2].map((i) => round(((pa[i] ?? 0) + (pb[i] ?? 0)) / 2, 2)) as [number, number, number];
}

function signedVolume(p: Float32Array, idx: Uint32Array): number {
  let six = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const a = (idx[t] ?? 0) * 3;
    const b = (idx[t + 1] ?? 0) * 3;
    const c = (idx[t + 2] ?? 0) * 3;
    const ax = p[a] ?? 0;
    const ay = p[a + 1] ?? 0;
    const az = p[a + 2] ?? 0;
    const bx = p[b] ?? 0;
    const by = p[b + 1] ?? 0;
    const bz = p[b + 2] ?? 0;
    const cx = p[c] ?? 0;
    const cy = p[c + 1] ?? 0;
    const cz = p[c + 2] ?? 0;
    six += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  }
  return six / 6;
}

function bounds(p: Float32Array): PrintReport["boundingBoxMm"] {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3)
    for (let k = 0; k < 3; k++) {
      const v = p[i + k] ?? 0;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  const r3 = (v: [number, number, number]) => v.map((x) => round(x, 2)) as [number, number, number];
  return { min: r3(min), max: r3(max), size: r3([max[0] - min[0], max[1] - min[1], max[2] - min[2]]) };
}

/**
 * Rays cast inward from up to 600 evenly spread triangles; the nearest surface the ray leaves the
 * solid through, facing it within 32° (a wall's two faces are near parallel; a ray leaving past a ridge is not
 * a wall). Möller–Trumbore over flat arrays, no allocation in the inner loop.
 */
function thinnestWall(
  p: Float32Array,
  idx: Uint32Array,
): { thickness: number; at: [number, number, number] } {
  const count = idx.length / 3;
  // Per triangle: vertex a, edge b − a, edge c − a.
  const tri = new Float64Array(count * 9);
  for (let t = 0; t < count; t++) {
    const a = (idx[t * 3] ?? 0) * 3;
    const b = (idx[t * 3 + 1] ?? 0) * 3;
    const c = (idx[t * 3 + 2] ?? 0) * 3;
    for (let k = 0; k < 3; k++) {
      tri[t * 9 + k] = p[a + k] ?? 0;
      tri[t * 9 + 3 + k] = (p[b + k] ?? 0) - (p[a + k] ?? 0);
      tri[t * 9 + 6 + k] = (p[c + k] ?? 0) - (p[a + k] ?? 0);
    }
  }
  const samples = Math.min(count, 600);
  let best = Infinity;
  let at: [number, number, number] = [0, 0, 0];
  for (let s = 0; s < samples; s++) {
    const t = Math.floor((s * count) / samples) * 9;
    const e1x = tri[t + 3]!;
    const e1y = tri[t + 4]!;
    const e1z = tri[t + 5]!;
    const e2x = tri[t + 6]!;
    const e2y = tri[t + 7]!;
    const e2z = tri[t + 8]!;
    let nx = e1y * e2z - e1z * e2y;
    let ny = e1z * e2x - e1x * e2z;
    let nz = e1x * e2y - e1y * e2x;
    const len = Math.hypot(nx, ny, nz);
    if (len < 1e-12) continue;
    // Inward: against the outward normal of a counter-clockwise triangle.
    nx = -nx / len;
    ny = -ny / len;
    nz = -nz / len;
    const ox = tri[t]! + (e1x + e2x) / 3;
    const oy = tri[t + 1]! + (e1y + e2y) / 3;
    const oz = tri[t + 2]! + (e1z + e2z) / 3;
    for (let u = 0; u < tri.length; u += 9) {
      if (u === t) continue;
      const ax = tri[u]!;
      const ay = tri[u + 1]!;
      const az = tri[u + 2]!;
      const fx = tri[u + 3]!;
      const fy = tri[u + 4]!;
      const fz = tri[u + 5]!;
      const gx = tri[u + 6]!;
      const gy = tri[u + 7]!;
      const gz = tri[u + 8]!;
      const hx = ny * gz - nz * gy;
      const hy = nz * gx - nx * gz;
      const hz = nx * gy - ny * gx;
      const det = fx * hx + fy * hy + fz * hz;
      // det = −dir · (f × g): only surfaces the ray leaves the solid through count as the wall's far side.
      if (det > -1e-12) continue;
      const inv = 1 / det;
      const sx = ox - ax;
      const sy = oy - ay;
      const sz = oz - az;
      const uu = inv * (sx * hx + sy * hy + sz * hz);
      if (uu < 0 || uu > 1) continue;
      const qx = sy * fz - sz * fy;
      const qy = sz * fx - sx * fz;
      const qz = sx * fy - sy * fx;
      const vv = inv * (nx * qx + ny * qy + nz * qz);
      if (vv < 0 || uu + vv > 1) continue;
      const d = inv * (gx * qx + gy * qy + gz * qz);
      if (
        d > 1e-4 &&
        d < best &&
        -det > 0.85 * Math.hypot(fy * gz - fz * gy, fz * gx - fx * gz, fx * gy - fy * gx)
      ) {
        best = d;
        at = [round(ox, 2), round(oy, 2), round(oz, 2)];
      }
    }
  }
  return { thickness: Number.isFinite(best) ? best : 0, at };
}
