import { describe, expect, it } from "vitest";
import { outputFileName } from "./outputFileName.ts";

describe("output file names", () => {
  it("adds the extension of the media type to a bare name and keeps one already there", () => {
    expect(outputFileName({ name: "cutout", mediaType: "image/png" })).toBe("cutout.png");
    expect(outputFileName({ name: "story", mediaType: "image/jpeg" })).toBe("story.jpg");
    expect(outputFileName({ name: "atlas", mediaType: "application/json" })).toBe("atlas.json");
    expect(outputFileName({ name: "coffee.png", mediaType: "image/png" })).toBe("coffee.png");
    expect(outputFileName({ name: "data", mediaType: "application/x-thing+zip" })).toBe("data.xthingzip");
  });
});
