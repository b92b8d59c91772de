import { describe, expect, it } from "vitest";
import { daysBetween, usageSeries } from "./usageSeries.ts";

const usage = {
  from: "2026-02-27",
  to: "2026-03-02",
  rows: [
    { day: "2026-02-27", preset: "remove-background", member: "Ada", credits: 3 },
    { day: "2026-03-01", preset: "remove-background", member: "Grace", credits: 5 },
    { day: "2026-03-01", preset: "custom steps", member: "Ada", credits: 1 },
    { day: "2026-03-02", preset: "figurine", member: "Grace", credits: 10 },
  ],
};

describe("usage chart series", () => {
  it("lists every day of the range, across a month's end", () => {
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
  });

  it("stacks credits by preset, the largest first, with zero on days without jobs", () => {
    const { days, series, total } = usageSeries(usage, "preset");
    expect(days).toHaveLength(4);
    expect(series).toEqual([
      { name: "figurine", credits: [0, 0, 0, 10], total: 10 },
      { name: "remove-background", credits: [3, 0, 5, 0], total: 8 },
      { name: "custom steps", credits: [0, 0, 1, 0], total: 1 },
    ]);
    expect(total).toBe(19);
  });

  it("stacks the same credits by member", () => {
    const { series, total } = usageSeries(usage, "member");
    expect(series).toEqual([
      { name: "Grace", credits: [0, 0, 5, 10], total: 15 },
      { name: "Ada", credits: [3, 0, 1, 0], total: 4 },
    ]);
    expect(total).toBe(19);
  });
});
