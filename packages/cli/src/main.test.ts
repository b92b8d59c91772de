import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meshFacts, readStl } from "@atelier/pipeline/testing";
import { main } from "./main.ts";

const bin = fileURLToPath(new URL("../bin/atelier.mjs", import.meta.url));
import { fixturesDir as fixtures } from "@atelier/shared/testing";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "atelier-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the real executable the way `npx atelier` does, stdio piped (so not a TTY). */
function atelier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("atelier run", () => {
  it("cartoonizes a photo into <out>/<name>.png with plain progress lines", async () => {
    const out = join(dir, "cartoon");
    const r = await atelier(
      "run",
      "cartoon-figurine",
      `${fixtures}/chelsea.png`,
      "--out",
      out,
      "--param",
      "cutout=false",
    );
    expect(r.code).toBe(0);
    expect(await readdir(out)).toEqual(["chelsea.png"]);
    expect(r.stderr).toContain("chelsea.png: step 2/2 cartoonize");
    expect(r.stderr).toContain("chelsea.png: done");
    const meta = await sharp(join(out, "chelsea.png")).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([451, 300, "png"]);
  });

  it("makes a printable figurine 80 mm tall from a photo: GLB, STL, 3MF and the print report", async () => {
    const out = join(dir, "figurine");
    const r = await atelier(
      "run",
      "figurine",
      `${fixtures}/coffee.png`,
      "--out",
      out,
      "--param",
      "heightMm=80",
    );
    expect(r.code, r.stderr).toBe(0);
    const files = await readdir(out);
    for (const f of [
      "coffee-figurine.glb",
      "coffee-figurine.stl",
      "coffee-figurine.3mf",
      "coffee-print-report.json",
    ]) {
      expect(files).toContain(f);
    }
    const stl = meshFacts(readStl(await readFile(join(out, "coffee-figurine.stl"))));
    expect(stl.badEdges).toBe(0);
    expect(stl.volume).toBeGreaterThan(0);
    expect(Math.abs(stl.size[2] - 80)).toBeLessThan(0.8);
    const report = JSON.parse(await readFile(join(out, "coffee-print-report.json"), "utf8"));
    expect(report.boundingBoxMm.size[2]).toBeCloseTo(80, 0);
  }, 120_000);

  it("packs a sprite sheet into atlas.png with both JSON flavours", async () => {
    const frames = [];
    for (const [i, colour] of ["#ff0000", "#00aa00", "#0000ff"].entries()) {
      const file = join(dir, `frame${i}.png`);
      await sharp({
        create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
      })
        .composite([
          {
            input: { create: { width: 10 + i * 4, height: 12, channels: 4, background: colour } },
            left: 3,
            top: 5,
          },
        ])
        .png()
        .toFile(file);
      frames.push(file);
    }
    const out = join(dir, "sprites");
    const r = await atelier("run", "sprite-sheet", ...frames, "--out", out);
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["atlas-array.json", "atlas.json", "atlas.png"]);
    const hash = JSON.parse(await readFile(join(out, "atlas.json"), "utf8"));
    expect(Object.keys(hash.frames).sort()).toEqual(["frame0", "frame1", "frame2"]);
    const atlas = await sharp(join(out, "atlas.png")).metadata();
    expect(hash.meta).toMatchObject({ image: "atlas.png", size: { w: atlas.width, h: atlas.height } });
  });

  it("cuts out the subject into <name>.png with the background transparent", async () => {
    const out = join(dir, "cutout");
    const r = await atelier(
      "run",
      "remove-background",
      `${fixtures}/coffee.png`,
      "--out",
      out,
      "-p",
      "model=small",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(out)).toEqual(["coffee.png"]);
    const { data, info } = await sharp(join(out, "coffee.png")).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    let clear = 0;
    let solid = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i]! < 10) clear++;
      else if (data[i]! > 245) solid++;
    }
    expect(clear / (info.width * info.height)).toBeGreaterThan(0.1);
    expect(solid / (info.width * info.height)).toBeGreaterThan(0.1);
  });

  it("exits 1 with one clear line for a corrupt image", async () => {
    const out = join(dir, "bad");
    const corrupt = await atelier(
      "run",
      "cartoon-figurine",
      `${fixtures}/truncated.jpg`,
      "--out",
      out,
      "-p",
      "cutout=false",
    );
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain(
      "truncated.jpg: failed, The jpeg file is damaged or incomplete and cannot be read. [CORRUPT_IMAGE]",
    );
  });

  it("refuses a wrong command line before any work, with one line and exit 2", async () => {
    const out = join(dir, "bad");
    const run = async (...args: string[]) => {
      let stderr = "";
      const io = {
        stdout: new PassThrough(),
        stderr: Object.assign(new PassThrough(), { isTTY: false }).on("data", (d: Buffer) => {
          stderr += d;
        }),
        env: {},
      };
      const code = await main(args, io);
      return { code, stderr };
    };
    const missing = await run("run", "repurpose", join(dir, "nope.png"), "--out", out);
    expect(missing).toEqual({ code: 2, stderr: `atelier: no such file: ${join(dir, "nope.png")}\n` });

    const preset = await run("run", "sparkle", `${fixtures}/coffee.png`, "--out", out);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/^atelier: Unknown preset "sparkle"; choose one of .*\n$/);

    const param = await run(
      "run",
      "repurpose",
      `${fixtures}/coffee.png`,
      "--out",
      out,
      "--param",
      "fill=glitter",
    );
    expect(param.code).toBe(2);
    expect(param.stderr).toMatch(/^atelier: repurpose: fill: [^\n]+\n$/);

    const option = await run("run", "repurpose", `${fixtures}/coffee.png`, "--colour", "red");
    expect(option.code).toBe(2);
    expect(option.stderr.split("\n")).toHaveLength(2);

    const text = join(dir, "notes.png");
    await writeFile(text, "just some text\n");
    const notImage = await run("run", "cartoon-figurine", text, "--out", out, "-p", "cutout=false");
    expect(notImage.code).toBe(1);
    expect(notImage.stderr).toContain("[UNSUPPORTED_MEDIA]");
  });
});
