import { applyEditOps } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { readDocument } from "./editDocument.ts";
import {
  addOverlay,
  describeOps,
  setAdjustment,
  setCrop,
  setFormatCrop,
  setOverlayField,
} from "./editOps.ts";

describe("editor operations", () => {
  it("writes a format's crop only under formatOverrides, leaving the main crop alone", () => {
    const crop = { x: 0.1, y: 0.2, width: 0.5, height: 0.5 };
    const doc = applyEditOps({ crop: { x: 0, y: 0, width: 1, height: 1 } }, setFormatCrop("x-post", crop));
    expect(doc).toEqual({
      crop: { x: 0, y: 0, width: 1, height: 1 },
      formatOverrides: { "x-post": { crop } },
    });
    expect(readDocument(doc).formatCrops["x-post"]).toEqual(crop);
  });

  it("reads overlays and adjustments with neutral defaults", () => {
    let doc = applyEditOps({}, addOverlay({ id: "a", text: "Sale", styleSet: "title", x: 0.1, y: 0.1 }));
    doc = applyEditOps(doc, setOverlayField("a", "text", "Big sale"));
    doc = applyEditOps(doc, setAdjustment("hue", 40));
    const read = readDocument(doc);
    expect(read.overlays).toEqual([{ id: "a", text: "Big sale", styleSet: "title", x: 0.1, y: 0.1 }]);
    expect(read.adjustments).toMatchObject({ hue: 40, brightness: 1, blur: 0 });
    expect(read.crop).toBeNull();
  });

  it("says in the history what an edit changed, in words for people", () => {
    const context = { texts: { a: "Summer sale" }, formats: { "instagram-story": "Instagram story" } };
    expect(describeOps(setOverlayField("a", "x", 0.3), context)).toBe("Moved “Summer sale”");
    expect(describeOps(setOverlayField("a", "styleSet", "subtitle"), context)).toBe(
      "Changed the style of “Summer sale”",
    );
    expect(describeOps(setOverlayField("a", "text", "Summer sale!"), context)).toBe(
      "Edited the text “Summer sale”",
    );
    expect(describeOps([...setAdjustment("brightness", 1.2), ...setAdjustment("contrast", 1.1)])).toBe(
      "Changed the brightness, changed the contrast",
    );
    expect(
      describeOps(setFormatCrop("instagram-story", { x: 0, y: 0, width: 0.5, height: 1 }), context),
    ).toBe("Cropped the Instagram story format");
    expect(describeOps(setCrop(null))).toBe("Reset the crop");
  });
});
