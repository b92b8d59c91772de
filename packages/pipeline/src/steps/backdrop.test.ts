import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { runStep } from "../testing/stepHarness.ts";
import { backdropStep } from "./backdrop.ts";

describe("backdrop", () => {
  it("stands a cutout on a gradient with a soft shadow below it, and records its box", async () => {
    const cutout = await sharp({
      create: { width: 300, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([
        {
          input: { create: { width: 100, height: 160, channels: 4, background: "#2060ff" } },
          left: 100,
          top: 60,
        },
      ])
      .png()
      .toBuffer();
    const { result } = await runStep(
      backdropStep,
      { width: 600, height: 600, background: { kind: "gradient", from: "#ffffff", to: "#d0d0d0" } },
      [{ name: "bottle", mediaType: "image/png", data: cutout }],
    );
    const out = result.images[0]!;
    const box = (out.meta!.analysis as { subject: { x: number; y: number; width: number; height: number } })
      .subject;
    expect([out.width, out.height]).toEqual([600, 600]);
    // Stands on the floor line (10 % padding) and is centred.
    expect(box.y + box.height).toBe(540);
    expect(Math.abs(box.x + box.width / 2 - 300)).toBeLessThanOrEqual(1);
    const px = async (x: number, y: number) => [
      ...(await sharp(out.data)
        .extract({ left: x, top: y, width: 1, height: 1 })
        .removeAlpha()
        .raw()
        .toBuffer()),
    ];
    const top = await px(300, 5);
    const bottom = await px(5, 595);
    expect(top[0]!).toBeGreaterThan(bottom[0]! + 20);
    // Just below the subject the floor is darker than the same row far to the side: the shadow.
    const under = await px(300, box.y + box.height + 3);
    const side = await px(40, box.y + box.height + 3);
    expect(under[0]!).toBeLessThan(side[0]! - 10);
  });
});
