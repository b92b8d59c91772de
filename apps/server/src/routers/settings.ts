import { and, asc, count, type Database, eq, type SQL, schema, sql } from "@atelier/db";
import { builtInFormats, MAX_FORMATS_PER_RUN } from "@atelier/pipeline";
import {
  AppError,
  builtInTextStyles,
  id,
  type OrgRules,
  orgRulesOrDefaults,
  orgRulesSchema,
  textStyleSchema,
} from "@atelier/shared";
import { z } from "zod";
import { orgProcedure } from "../access.ts";
import { router } from "../trpc.ts";

const formatInput = z.object({
  slug: z
    .string()
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "Use lower-case letters, digits and dashes for the format id."),
  label: z.string().trim().min(1).max(100),
  width: z.number().int().min(16).max(8192),
  height: z.number().int().min(16).max(8192),
});
const styleSetInput = z.object({
  name: z.string().trim().min(1).max(64),
  styles: z.object({
    title: textStyleSchema.partial().default({}),
    subtitle: textStyleSchema.partial().default({}),
    body: textStyleSchema.partial().default({}),
  }),
});

/** Most formats and most text style sets one organization keeps: a repurpose run makes every format. */
const MAX_PER_ORG = MAX_FORMATS_PER_RUN;

/** CONFLICT when the organization already has the most it may keep and this save would add one more. */
async function assertRoomFor<T extends typeof schema.assetFormats | typeof schema.textStyleSets>(
  db: Database,
  table: T,
  orgId: string,
  what: string,
  isSame: (table: T) => SQL,
): Promise<void> {
  const [row] = await db
    .select({ total: count(), same: sql<number>`count(*) filter (where ${isSame(table)})` })
    .from(table as typeof schema.assetFormats)
    .where(eq(table.orgId, orgId));
  if ((row?.total ?? 0) >= MAX_PER_ORG && Number(row?.same ?? 0) === 0) {
    throw new AppError(
      "CONFLICT",
      `An organization keeps at most ${MAX_PER_ORG} ${what}; delete one first.`,
      {
        max: MAX_PER_ORG,
      },
    );
  }
}

/** An organization's own asset formats, text style sets and rules, managed by its admins. */
export const settingsRouter = router({
  formats: orgProcedure().query(async ({ ctx }) => {
    const own = await ctx.services.db
      .select()
      .from(schema.assetFormats)
      .where(eq(schema.assetFormats.orgId, ctx.access.orgId))
      .orderBy(asc(schema.assetFormats.label));
    return [
      ...builtInFormats.map((f) => ({ ...f, builtIn: true })),
      ...own.map((f) => ({ id: f.slug, label: f.label, width: f.width, height: f.height, builtIn: false })),
    ];
  }),

  saveFormat: orgProcedure("admin")
    .input(formatInput)
    .mutation(async ({ ctx, input }) => {
      if (builtInFormats.some((f) => f.id === input.slug)) {
        throw new AppError("CONFLICT", `"${input.slug}" is a built-in format; choose another id.`);
      }
      await assertRoomFor(ctx.services.db, schema.assetFormats, ctx.access.orgId, "formats", (t) =>
        eq(t.slug, input.slug),
      );
      await ctx.services.db
        .insert(schema.assetFormats)
        .values({
          orgId: ctx.access.orgId,
          slug: input.slug,
          label: input.label,
          width: input.width,
          height: input.height,
        })
        .onConflictDoUpdate({
          target: [schema.assetFormats.orgId, schema.assetFormats.slug],
          set: { label: input.label, width: input.width, height: input.height },
        });
      return { id: input.slug, label: input.label, width: input.width, height: input.height, builtIn: false };
    }),

  deleteFormat: orgProcedure("admin")
    .input(z.object({ slug: z.string().max(64) }))
    .mutation(async ({ ctx, input }) => {
      const gone = await ctx.services.db
        .delete(schema.assetFormats)
        .where(and(eq(schema.assetFormats.orgId, ctx.access.orgId), eq(schema.assetFormats.slug, input.slug)))
        .returning({ slug: schema.assetFormats.slug });
      if (gone.length === 0) throw new AppError("NOT_FOUND", "No format of your organization has that id.");
      return { ok: true };
    }),

  textStyles: orgProcedure().query(async ({ ctx }) => {
    const own = await ctx.services.db
      .select()
      .from(schema.textStyleSets)
      .where(eq(schema.textStyleSets.orgId, ctx.access.orgId))
      .orderBy(asc(schema.textStyleSets.name));
    return {
      builtIn: builtInTextStyles,
      sets: own.map((s) => ({
        id: s.id,
        name: s.name,
        styles: s.styles as z.infer<typeof styleSetInput>["styles"],
      })),
    };
  }),

  saveTextStyles: orgProcedure("admin")
    .input(styleSetInput)
    .mutation(async ({ ctx, input }) => {
      await assertRoomFor(ctx.services.db, schema.textStyleSets, ctx.access.orgId, "text style sets", (t) =>
        eq(t.name, input.name),
      );
      const [row] = await ctx.services.db
        .insert(schema.textStyleSets)
        .values({ orgId: ctx.access.orgId, name: input.name, styles: input.styles })
        .onConflictDoUpdate({
          target: [schema.textStyleSets.orgId, schema.textStyleSets.name],
          set: { styles: input.styles },
        })
        .returning();
      return { id: row!.id, name: row!.name, styles: input.styles };
    }),

  deleteTextStyles: orgProcedure("admin")
    .input(z.object({ styleSetId: id }))
    .mutation(async ({ ctx, input }) => {
      const gone = await ctx.services.db
        .delete(schema.textStyleSets)
        .where(
          and(
            eq(schema.textStyleSets.orgId, ctx.access.orgId),
            eq(schema.textStyleSets.id, input.styleSetId),
          ),
        )
        .returning({ id: schema.textStyleSets.id });
      if (gone.length === 0)
        throw new AppError("NOT_FOUND", "No text style set of your organization has that id.");
      return { ok: true };
    }),

  rules: orgProcedure().query(async ({ ctx }) => {
    const [row] = await ctx.services.db
      .select()
      .from(schema.orgRules)
      .where(eq(schema.orgRules.orgId, ctx.access.orgId));
    return orgRulesOrDefaults(row);
  }),

  saveRules: orgProcedure("admin")
    .input(orgRulesSchema)
    .mutation(async ({ ctx, input }) => {
      const rules: OrgRules = {
        cropPriority: input.cropPriority,
        canvasFill: input.canvasFill,
        moderationThreshold: input.moderationThreshold,
      };
      await ctx.services.db
        .insert(schema.orgRules)
        .values({ orgId: ctx.access.orgId, ...rules })
        .onConflictDoUpdate({ target: schema.orgRules.orgId, set: { ...rules, updatedAt: sql`now()` } });
      return rules;
    }),
});
