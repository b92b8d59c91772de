import { z } from "zod";

export type FieldErrors = Record<string, string | undefined>;

/** The first message per field of a failed zod parse, for showing next to each input. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const flat = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  const out: FieldErrors = {};
  for (const [field, messages] of Object.entries(flat)) out[field] = messages?.[0];
  return out;
}
