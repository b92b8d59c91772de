import { describe, expect, it } from "vitest";
import { cssOfLook, findStyle, styleGroups } from "./textStyles.ts";

describe("text styles in the editor", () => {
  it("offers the built-in set and each organization set under the names the server renders", () => {
    const groups = styleGroups({ title: { fontSize: 88 }, body: { fontSize: 36 } }, [
      { name: "Brand", styles: { title: { colour: "#ff0000" } } },
    ]);
    expect(groups.map((g) => g.label)).toEqual(["Built-in", "Brand"]);
    const brandTitle = findStyle(groups, "Brand/title");
    expect(brandTitle?.look).toEqual({ fontSize: 88, colour: "#ff0000" });
    expect(findStyle(groups, "gone/title")?.value).toBe("body");
  });

  it("sizes text like the pipeline: pixels of a 1080-pixel image, scaled to the rendered box", () => {
    const css = cssOfLook({ fontSize: 108, shadow: { opacity: 0.5, blur: 10.8 } });
    expect(css.fontSize).toBe("calc(10.000 * 1cqmin)");
    expect(css.textShadow).toContain("#00000080");
  });
});
