import { describe, expect, it } from "vitest";
import { buildParams, fieldsOf, initialValues, labelOf } from "./schemaForm.ts";

// What `catalogue.presets` sends (zod's toJSONSchema with io: "input").
const removeBackground = {
  type: "object",
  properties: {
    model: { default: "medium", type: "string", enum: ["small", "medium"] },
    feather: { default: 0, type: "number", minimum: 0, maximum: 64 },
  },
  additionalProperties: false,
};
const repurpose = {
  type: "object",
  properties: {
    formats: { minItems: 1, type: "array", items: { type: "string", minLength: 1 } },
    fillColour: { default: "#ffffff", type: "string", pattern: "^#[0-9a-fA-F]{6}$" },
    quality: { type: "integer", minimum: 1, maximum: 100 },
    maxSize: { default: 4096, type: "integer", minimum: 16, maximum: 16384 },
    trim: { default: true, type: "boolean" },
    name: { default: "atlas", type: "string", pattern: "^[\\w-]+$" },
  },
};

describe("schema → form fields", () => {
  it("maps enums to selects and bounded numbers to sliders, with defaults", () => {
    const fields = fieldsOf(removeBackground);
    expect(fields).toEqual([
      {
        name: "model",
        label: "Model",
        optional: false,
        kind: "select",
        options: ["small", "medium"],
        default: "medium",
      },
      {
        name: "feather",
        label: "Feather",
        optional: false,
        kind: "range",
        min: 0,
        max: 64,
        step: 1,
        default: 0,
      },
    ]);
    expect(initialValues(fields)).toEqual({ model: "medium", feather: 0 });
    expect(buildParams(fields, { model: "small", feather: "12" })).toEqual({
      params: { model: "small", feather: 12 },
      errors: {},
    });
  });

  it("maps lists, colours, wide integer ranges, booleans and patterned text", () => {
    const byName = Object.fromEntries(fieldsOf(repurpose).map((f) => [f.name, f]));
    expect(byName.formats).toMatchObject({ kind: "list", optional: true, default: "" });
    expect(byName.fillColour).toMatchObject({ kind: "colour", default: "#ffffff" });
    expect(byName.quality).toMatchObject({ kind: "range", min: 1, max: 100, step: 1, optional: true });
    expect(byName.maxSize).toMatchObject({ kind: "number", min: 16, max: 16384, step: 1 });
    expect(byName.trim).toMatchObject({ kind: "checkbox", default: true });
    expect(byName.name).toMatchObject({ kind: "text", pattern: "^[\\w-]+$" });
    expect(labelOf("fillColour")).toBe("Fill colour");
  });

  it("leaves empty optional fields out and explains values out of range", () => {
    const fields = fieldsOf(repurpose);
    const values = {
      ...initialValues(fields),
      formats: " instagram-square, story ,",
      quality: "",
      maxSize: "8",
    };
    const built = buildParams(fields, values);
    expect(built.params).toEqual({
      formats: ["instagram-square", "story"],
      fillColour: "#ffffff",
      trim: true,
      name: "atlas",
    });
    expect(built.errors).toEqual({ maxSize: "Max size is at least 16." });
    expect(buildParams(fields, { ...values, maxSize: "20.5", name: "no spaces!" }).errors).toEqual({
      maxSize: "Max size is a whole number.",
      name: "Name has an unexpected format.",
    });
  });

  it("gives no fields for a schema without properties", () => {
    expect(fieldsOf({ type: "object" })).toEqual([]);
    expect(fieldsOf(null)).toEqual([]);
  });
});
