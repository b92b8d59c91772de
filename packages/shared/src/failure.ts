import { z } from "zod";

/** A failure as people and programs see it: a code from AppError's set and a sentence. */
export const failureSchema = z.object({ code: z.string(), message: z.string() });
export type Failure = z.infer<typeof failureSchema>;
