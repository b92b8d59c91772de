import { describe, expect, it } from "vitest";
import { groupLines } from "./groupLines.ts";

const word = (x: number, y: number, width: number, height: number, text?: string) => ({
  x,
  y,
  width,
  height,
  score: 0.9,
  label: "text",
  ...(text ? { text } : {}),
});

describe("groupLines", () => {
  it("joins the words of a line left to right and keeps separate lines apart", () => {
    const lines = groupLines([
      word(240, 50, 90, 34, "Sale"),
      word(30, 48, 190, 36, "Summer"),
      word(60, 150, 80, 30, "Free"),
      word(150, 152, 150, 32, "shipping"),
    ]);
    expect(lines).toEqual([
      { x: 30, y: 48, width: 300, height: 36, score: 0.9, label: "text", text: "Summer Sale" },
      { x: 60, y: 150, width: 240, height: 34, score: 0.9, label: "text", text: "Free shipping" },
    ]);
  });

  it("keeps words apart when the gap is wider than the line is high", () => {
    const lines = groupLines([word(0, 0, 50, 20, "left"), word(200, 0, 50, 20, "right")]);
    expect(lines.map((l) => l.text)).toEqual(["left", "right"]);
  });
});
