import { asc, type Database, eq, schema } from "@atelier/db";
import type { OrgPipelineSettings } from "@atelier/pipeline";
import { builtInTextStyles, orgRulesOrDefaults, type StyleSetName, styleSetNames } from "@atelier/shared";

/** The name an overlay's `styleSet` uses for one role of an organization's style set, e.g. "Brand/title". */
export const orgStyleName = (setName: string, role: StyleSetName) => `${setName}/${role}`;

/**
 * What steps need to know about an organization: its saved rules (crop priority, canvas fill, moderation
 * threshold), its own formats, and its text style sets flattened to one style per set and role (each on top
 * of the built-in style of that role). Read for one org id only; the server's previews and the nodes' jobs
 * both render with it.
 */
export async function orgPipelineSettings(db: Database, orgId: string): Promise<OrgPipelineSettings> {
  const [formats, sets, rules] = await Promise.all([
    db
      .select()
      .from(schema.assetFormats)
      .where(eq(schema.assetFormats.orgId, orgId))
      .orderBy(asc(schema.assetFormats.label)),
    db.select().from(schema.textStyleSets).where(eq(schema.textStyleSets.orgId, orgId)),
    db.select().from(schema.orgRules).where(eq(schema.orgRules.orgId, orgId)),
  ]);
  const textStyles: Record<string, unknown> = {};
  for (const set of sets) {
    const styles = (set.styles ?? {}) as Partial<Record<StyleSetName, Record<string, unknown>>>;
    for (const role of styleSetNames) {
      textStyles[orgStyleName(set.name, role)] = { ...builtInTextStyles[role], ...styles[role] };
    }
  }
  const { cropPriority, canvasFill, moderationThreshold } = orgRulesOrDefaults(rules[0]);
  return {
    cropPriority,
    canvasFill,
    moderationThreshold,
    formats: formats.map((f) => ({ id: f.slug, label: f.label, width: f.width, height: f.height })),
    textStyles,
  };
}
