import { describePresets, describeSteps } from "@atelier/pipeline";
import { publicProcedure, router } from "../trpc.ts";

/**
 * What can be run: presets with their parameters (as JSON Schema, for forms) and whether they run in
 * this installation (an unavailable one says why), and every step.
 */
export const catalogueRouter = router({
  presets: publicProcedure.query(({ ctx }) =>
    describePresets(ctx.services.pipelineEnv, ctx.services.catalogue),
  ),
  steps: publicProcedure.query(({ ctx }) => describeSteps(ctx.services.pipelineEnv, ctx.services.catalogue)),
});
