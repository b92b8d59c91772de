import { z } from "zod";

/** What a crop keeps first, highest first. */
export const cropPriorityKindSchema = z.enum(["face", "product", "text"]);
export type CropPriorityKind = z.infer<typeof cropPriorityKindSchema>;

/**
 * How `repurpose` fills the canvas where the image does not reach: a blurred copy, a solid colour, a
 * mirror of the image, or its border pixels repeated (seamless on studio backdrops).
 */
export const canvasFillSchema = z.enum(["blur", "solid", "mirror", "edge"]);
export type CanvasFillKind = z.infer<typeof canvasFillSchema>;

/** An organization's saved rules, as admins edit them. */
export const orgRulesSchema = z.object({
  cropPriority: z
    .array(cropPriorityKindSchema)
    .min(1)
    .max(3)
    .refine((l) => new Set(l).size === l.length, "List each kind once."),
  canvasFill: canvasFillSchema,
  /** Percent: a moderation score above it flags the image. */
  moderationThreshold: z.number().int().min(0).max(100),
});
export type OrgRules = z.infer<typeof orgRulesSchema>;

/**
 * The one statement of every rule's default: an organization that never saved rules, the database's
 * column defaults, and a pipeline run without an organization (the CLI) all use these.
 */
export const defaultOrgRules: Readonly<OrgRules> = {
  cropPriority: ["face", "product", "text"],
  canvasFill: "blur",
  moderationThreshold: 80,
};

/**
 * Saved rules as stored (a database row, or nothing when never saved), each rule checked on its own: one
 * that is missing or no longer valid is replaced by its default and the others are kept.
 */
export function orgRulesOrDefaults(saved: Partial<Record<keyof OrgRules, unknown>> | undefined): OrgRules {
  const { cropPriority, canvasFill, moderationThreshold } = orgRulesSchema.shape;
  const rule = <T>(schema: z.ZodType<T>, value: unknown, fallback: T): T => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : fallback;
  };
  return {
    cropPriority: rule(cropPriority, saved?.cropPriority, [...defaultOrgRules.cropPriority]),
    canvasFill: rule(canvasFill, saved?.canvasFill, defaultOrgRules.canvasFill),
    moderationThreshold: rule(
      moderationThreshold,
      saved?.moderationThreshold,
      defaultOrgRules.moderationThreshold,
    ),
  };
}
