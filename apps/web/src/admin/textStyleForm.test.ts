import { describe, expect, it } from "vitest";
import { draftOf, hex6, previewCss, styleOf, type TextStyle } from "./textStyleForm.ts";

const base: TextStyle = {
  fontFamily: "DejaVu Sans, sans-serif",
  fontSize: 88,
  fontWeight: 700,
  colour: "#ffffff",
  lineHeight: 1.1,
  align: "left",
  shadow: { colour: "#000000", blur: 8, dx: 0, dy: 4, opacity: 0.55 },
};

describe("text style form", () => {
  it("starts from the built-in style with the saved parts over it", () => {
    const draft = draftOf(
      { fontSize: 60, colour: "#f80", box: { colour: "#112233cc", opacity: 0.5, padding: 10, radius: 4 } },
      base,
    );
    expect(draft).toMatchObject({
      fontSize: 60,
      fontWeight: 700,
      colour: "#ff8800",
      shadow: { on: true, blur: 8, dy: 4 },
      stroke: { on: false },
      box: { on: true, colour: "#112233", padding: 10 },
    });
  });

  it("saves the whole style and leaves out the parts switched off", () => {
    const draft = draftOf(undefined, base);
    draft.shadow.on = false;
    draft.stroke = { on: true, colour: "#000000", width: 3 };
    draft.align = "center";
    expect(styleOf(draft)).toEqual({
      fontFamily: base.fontFamily,
      fontSize: 88,
      fontWeight: 700,
      colour: "#ffffff",
      lineHeight: 1.1,
      align: "center",
      stroke: { colour: "#000000", width: 3 },
    });
  });

  it("round-trips a saved style unchanged", () => {
    expect(styleOf(draftOf(undefined, base))).toEqual(base);
  });

  it("previews at a quarter of the size with the shadow's opacity", () => {
    const css = previewCss(draftOf(undefined, base));
    expect(css.fontSize).toBe("22px");
    expect(css.textShadow).toBe("0px 1px 2px rgb(0 0 0 / 0.55)");
    expect(css.background).toBeUndefined();
    expect(hex6("nonsense")).toBe("#000000");
  });
});
