import { AppError } from "@atelier/shared";
import { z } from "zod";
import { openArtifact, toArtifact } from "../imageIo.ts";
import { fetchOutput, outputUrls, runPrediction } from "../replicate/replicateClient.ts";
import { type Artifact, defineStep, type PipelineEnv, type StepContext } from "../step.ts";

export const generateParams = z
  .object({
    /** "owner/name" of a Replicate model. */
    model: z
      .string()
      .max(200)
      .regex(/^[\w.-]+\/[\w.-]+$/)
      .optional(),
    /** A model version id; takes precedence over `model`. */
    version: z
      .string()
      .max(128)
      .regex(/^[0-9a-f]{16,128}$/)
      .optional(),
    /** Inputs as the model's schema names them (prompt, strength...). */
    input: z
      .record(z.string().max(64), z.unknown())
      .refine((input) => Object.keys(input).length <= 64, "A model takes at most 64 inputs.")
      .meta({ maxProperties: 64 })
      .default({}),
    /** Name of the model input that receives each incoming image (as a data URI); none for text-to-image. */
    imageInput: z.string().max(64).regex(/^\w+$/).optional(),
    waitSeconds: z.number().int().min(0).max(60).default(30),
    pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
    timeoutMs: z.number().int().min(1000).max(3_600_000).default(600_000),
    maxOutputBytes: z
      .number()
      .int()
      .min(1)
      .default(50 * 1024 * 1024),
  })
  .strict()
  .refine((p) => p.model || p.version, { message: "Give a model or a version.", path: ["model"] });

export const generateStep = defineStep({
  name: "generate",
  description: "Run a hosted generative model (Replicate): image generation, stylization, virtual staging.",
  params: generateParams,
  takes: "images",
  gives: "image/*",
  vramMb: 0,
  price: { perRun: 10 },
  expectedMs: 20000,
  models: [],
  // One prediction per input image (or one for text-to-image); hosted models answer at most about
  // 2048 px a side, and the download is capped by maxOutputBytes besides.
  plannedOutputs: (p, inputs) => (p.imageInput ? inputs : [null]).map(() => ({ width: 2048, height: 2048 })),
  availability: (env: PipelineEnv) =>
    env.replicateToken
      ? { available: true }
      : { available: false, reason: "No Replicate API token is configured (REPLICATE_API_TOKEN)." },
  async run(ctx) {
    const token = ctx.env.replicateToken;
    if (!token)
      throw new AppError("STEP_UNAVAILABLE", "Generation is not configured on this server.", {
        step: "generate",
      });
    const p = ctx.params;
    const jobs: Array<Artifact | null> = p.imageInput ? ctx.inputs : [null];
    const images: Artifact[] = [];
    const predictions: string[] = [];
    for (const [index, input] of jobs.entries()) {
      const modelInput = { ...p.input };
      if (input && p.imageInput) modelInput[p.imageInput] = await asDataUri(input, ctx);
      const prediction = await runPrediction(
        { model: p.model, version: p.version, input: modelInput },
        {
          token,
          baseUrl: ctx.env.replicateBaseUrl,
          waitSeconds: p.waitSeconds,
          pollIntervalMs: p.pollIntervalMs,
          timeoutMs: p.timeoutMs,
        },
        ctx.signal,
        (status) =>
          ctx.progress((index + (status.status === "processing" ? 0.5 : 0.1)) / jobs.length, status.status),
      );
      predictions.push(prediction.id);
      const urls = outputUrls(prediction.output);
      if (urls.length === 0)
        throw new AppError("UPSTREAM_ERROR", "The model finished without an image.", { id: prediction.id });
      for (const [n, url] of urls.entries()) {
        const bytes = await fetchOutput(url, p.maxOutputBytes, ctx.signal);
        // Provider bytes are untrusted like uploads: decoded under the limits and re-encoded.
        const opened = await openArtifact({ name: "generated", mediaType: "", data: bytes }, ctx.env);
        const base = input ? input.name : "generated";
        const source = input ? ((input.meta?.source as string | undefined) ?? input.name) : "generated";
        images.push(
          await toArtifact(urls.length > 1 ? `${base}-${n + 1}` : base, opened.image.rotate(), "png", {
            meta: { source, prediction: prediction.id },
          }),
        );
      }
      ctx.progress((index + 1) / jobs.length);
    }
    return { images, data: { provider: "replicate", predictions } };
  },
});

async function asDataUri(input: Artifact, ctx: StepContext<unknown>): Promise<string> {
  const opened = await openArtifact(input, ctx.env);
  const png = await toArtifact(input.name, opened.image.rotate(), "png");
  return `data:image/png;base64,${png.data.toString("base64")}`;
}
