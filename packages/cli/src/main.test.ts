import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
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

/** Runs `main` in this process with the given environment, as the executable would; stderr collected. */
async function inProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const io = {
    stdout: new PassThrough(),
    stderr: Object.assign(new PassThrough(), { isTTY: false }).on("data", (d: Buffer) => {
      stderr += d;
    }),
    env,
  };
  const code = await main(args, io);
  return { code, stderr };
}

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
  it("cartoonizes a photo into <out>/<name>.cartoon.png with plain progress lines", async () => {
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
    expect(await readdir(out)).toEqual(["chelsea.cartoon.png"]);
    expect(r.stderr).toContain("chelsea.png: step 2/2 cartoonize");
    expect(r.stderr).toContain("chelsea.png: done");
    const meta = await sharp(join(out, "chelsea.cartoon.png")).metadata();
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
      "coffee.figurine.glb",
      "coffee.figurine.stl",
      "coffee.figurine.3mf",
      "coffee.print-report.json",
    ]) {
      expect(files).toContain(f);
    }
    const stl = meshFacts(readStl(await readFile(join(out, "coffee.figurine.stl"))));
    expect(stl.badEdges).toBe(0);
    expect(stl.volume).toBeGreaterThan(0);
    expect(Math.abs(stl.size[2] - 80)).toBeLessThan(0.8);
    const report = JSON.parse(await readFile(join(out, "coffee.print-report.json"), "utf8"));
    expect(report.boundingBoxMm.size[2]).toBeCloseTo(80, 0);
  }, 120_000);

  it("packs a sprite sheet into <input>.atlas.png with both JSON flavours pointing at it", async () => {
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
    // frame0.png … frame2.png share "frame": the sheet is named after them.
    expect((await readdir(out)).sort()).toEqual([
      "frame.atlas-array.json",
      "frame.atlas.json",
      "frame.atlas.png",
    ]);
    const hash = JSON.parse(await readFile(join(out, "frame.atlas.json"), "utf8"));
    expect(Object.keys(hash.frames).sort()).toEqual(["frame0", "frame1", "frame2"]);
    const atlas = await sharp(join(out, "frame.atlas.png")).metadata();
    expect(hash.meta).toMatchObject({ image: "frame.atlas.png", size: { w: atlas.width, h: atlas.height } });
  });

  it("cuts out the subject into <name>.cutout.png beside its mask, never over the input", async () => {
    // The folder of the original is the output folder, as a person would type it.
    const photos = join(dir, "photos");
    await mkdir(photos);
    const original = join(photos, "coffee.png");
    await copyFile(`${fixtures}/coffee.png`, original);
    const before = await readFile(original);
    const run = () => atelier("run", "remove-background", original, "--out", photos, "-p", "model=small");
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(photos)).sort()).toEqual(["coffee.cutout.png", "coffee.mask.png", "coffee.png"]);
    expect((await readFile(original)).equals(before)).toBe(true);
    const mask = await sharp(join(photos, "coffee.mask.png")).metadata();
    expect([mask.width, mask.height]).toEqual([600, 400]);

    // A second run finds its outputs there: it refuses, names them, and changes nothing.
    const cutoutBefore = await stat(join(photos, "coffee.cutout.png"));
    const again = await run();
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("coffee.cutout.png, ");
    expect(again.stderr).toContain("already exist; add --force to replace");
    expect((await stat(join(photos, "coffee.cutout.png"))).mtimeMs).toBe(cutoutBefore.mtimeMs);
    const forced = await atelier(
      "run",
      "remove-background",
      original,
      "--out",
      photos,
      "-p",
      "model=small",
      "--force",
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect((await readFile(original)).equals(before)).toBe(true);

    const { data, info } = await sharp(join(photos, "coffee.cutout.png"))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    let clear = 0;
    let solid = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i]! < 10) clear++;
      else if (data[i]! > 245) solid++;
    }
    expect(clear / (info.width * info.height)).toBeGreaterThan(0.1);
    expect(solid / (info.width * info.height)).toBeGreaterThan(0.1);
  }, 180_000);

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
    const run = (...args: string[]) => inProcess(args);
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

    // A format name is checked against the formats before any work, with the valid ones listed.
    const format = await run(
      "run",
      "repurpose",
      `${fixtures}/coffee.png`,
      "--out",
      out,
      "-p",
      "formats=instagram,tiktok",
    );
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(
      /^atelier: repurpose: Unknown format "instagram"; choose from instagram-square, .*tiktok-cover/,
    );

    // A preset whose step cannot run here is refused before any work, with the reason.
    const staging = await run("run", "staging", `${fixtures}/coffee.png`, "--out", out);
    expect(staging).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^atelier: The step "generate" is not available: No Replicate API token/),
    });
  });

  it("never writes over an input reached through a link in --out, even with --force", async () => {
    const out = join(dir, "linked");
    await mkdir(out);
    const input = join(dir, "chelsea-copy.png");
    await copyFile(`${fixtures}/chelsea.png`, input);
    await symlink(input, join(out, "chelsea-copy.cartoon.png"));
    const r = await atelier("run", "cartoon-figurine", input, "--out", out, "-p", "cutout=false", "--force");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is an input; choose another --out folder");
    expect((await readFile(input)).equals(await readFile(`${fixtures}/chelsea.png`))).toBe(true);
  });
});

describe("atelier presets", () => {
  it("lists each preset's parameters and which cannot run here, and why", async () => {
    const r = await atelier("presets");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--param model=small|medium (default "medium")');
    expect(r.stdout).toMatch(/staging .*\[unavailable: No Replicate API token/);
    expect(r.stdout).not.toMatch(/remove-background .*unavailable/);
  });

  it("reads the server's setting names, and says so when an old name is set", async () => {
    const cartoon = [
      "run",
      "cartoon-figurine",
      `${fixtures}/chelsea.png`,
      "--out",
      join(dir, "tiny"),
      "-p",
      "cutout=false",
    ];
    const tiny = await inProcess(cartoon, { MAX_INPUT_PIXELS: "1000" });
    expect(tiny.code).toBe(1);
    expect(tiny.stderr).toContain("[IMAGE_TOO_LARGE]");
    expect(await inProcess(["presets"], { ATELIER_MAX_PIXELS: "1000" })).toEqual({
      code: 0,
      stderr: "atelier: ATELIER_MAX_PIXELS is not read any more; set MAX_INPUT_PIXELS instead.\n",
    });
  });
});
