import { z } from "zod";

/** The only place the CLI reads its environment. */
const envSchema = z.object({
  ATELIER_MAX_PIXELS: z.coerce.number().int().positive().default(100_000_000),
  ATELIER_MODELS_DIR: z.string().optional(),
  ATELIER_EXECUTION_PROVIDERS: z.string().default("cpu"),
  REPLICATE_API_TOKEN: z.string().optional(),
  REPLICATE_BASE_URL: z.string().url().optional(),
});

export type CliEnv = z.infer<typeof envSchema>;

export function readCliEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  return envSchema.parse(source);
}
