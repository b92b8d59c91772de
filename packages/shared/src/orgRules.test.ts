import { describe, expect, it } from "vitest";
import { defaultOrgRules, orgRulesOrDefaults } from "./orgRules.ts";

describe("orgRulesOrDefaults", () => {
  it("gives the defaults to an organization that never saved rules", () => {
    expect(orgRulesOrDefaults(undefined)).toEqual(defaultOrgRules);
  });

  it("keeps every valid saved rule and replaces only the invalid one", () => {
    expect(
      orgRulesOrDefaults({ cropPriority: ["text", "face"], canvasFill: "glitter", moderationThreshold: 42 }),
    ).toEqual({
      cropPriority: ["text", "face"],
      canvasFill: defaultOrgRules.canvasFill,
      moderationThreshold: 42,
    });
  });
});
