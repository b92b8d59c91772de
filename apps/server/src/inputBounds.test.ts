import { unboundedPlaces } from "@atelier/shared/testing";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { appRouter } from "./router.ts";

type AnyProcedure = { _def: { inputs: z.ZodType[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

describe("API input bounds", () => {
  it("bounds every string, number, array and map of every procedure's input", () => {
    const problems = procedures.flatMap(([path, p]) =>
      p._def.inputs.flatMap((input) => unboundedPlaces(input, path)),
    );
    expect(problems).toEqual([]);
  });
});
