import type { AssetFormat } from "./step.ts";

/** Most formats one repurpose run makes, and most formats an organisation may define. */
export const MAX_FORMATS_PER_RUN = 50;

/** The formats every organisation gets; organisations add or override by id through env.org.formats. */
export const builtInFormats: readonly AssetFormat[] = [
  { id: "instagram-square", label: "Instagram square", width: 1080, height: 1080 },
  { id: "instagram-portrait", label: "Instagram portrait", width: 1080, height: 1350 },
  { id: "instagram-story", label: "Instagram story", width: 1080, height: 1920 },
  { id: "facebook-feed", label: "Facebook feed", width: 1200, height: 630 },
  { id: "facebook-cover", label: "Facebook cover", width: 820, height: 312 },
  { id: "x-post", label: "X post", width: 1600, height: 900 },
  { id: "linkedin-post", label: "LinkedIn post", width: 1200, height: 627 },
  { id: "youtube-thumbnail", label: "YouTube thumbnail", width: 1280, height: 720 },
  { id: "pinterest-pin", label: "Pinterest pin", width: 1000, height: 1500 },
  { id: "tiktok-cover", label: "TikTok cover", width: 1080, height: 1920 },
];

/** Built-in formats followed by the organisation's own; an organisation format with a built-in id replaces it. */
export function availableFormats(orgFormats: readonly AssetFormat[] = []): AssetFormat[] {
  const byId = new Map<string, AssetFormat>();
  for (const format of builtInFormats) byId.set(format.id, format);
  for (const format of orgFormats) byId.set(format.id, format);
  return [...byId.values()];
}
