import { describeSteps, presets } from "@atelier/pipeline";
import { z } from "zod";
import { publicProcedure, router } from "../trpc.ts";

/** What can be run: presets with their parameters (as JSON Schema, for forms), and every step. */
export const catalogueRouter = router({
  presets: publicProcedure.query(() =>
    [...presets.values()].map((p) => ({
      name: p.name,
      description: p.description,
      outputs: p.outputs,
      params: z.toJSONSchema(p.params, { io: "input", unrepresentable: "any" }),
    })),
  ),
  steps: publicProcedure.query(({ ctx }) => describeSteps(ctx.services.pipelineEnv)),
});
