import { asc, type Database, eq, schema } from "@atelier/db";
import {
  builtInTextStyles,
  defaultCropPriority,
  type OrgPipelineSettings,
  type StyleSetName,
} from "@atelier/pipeline";

const roles: StyleSetName[] = ["title", "subtitle", "body"];

/** The name an overlay's `styleSet` uses for one role of an organization's style set, e.g. "Brand/title". */
export const orgStyleName = (setName: string, role: StyleSetName) => `${setName}/${role}`;

/**
 * What steps need to know about an organization: its crop priority, its own formats, and its text style
 * sets flattened to one style per set and role (each on top of the built-in style of that role). Read for
 * one org id only; the server's previews and the nodes' jobs both render with it.
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
    for (const role of roles) {
      textStyles[orgStyleName(set.name, role)] = { ...builtInTextStyles[role], ...styles[role] };
    }
  }
  return {
    cropPriority: (rules[0]?.cropPriority as OrgPipelineSettings["cropPriority"]) ?? defaultCropPriority,
    formats: formats.map((f) => ({ id: f.slug, label: f.label, width: f.width, height: f.height })),
    textStyles,
  };
}
