import { useEffect, useState } from "react";
import type { ApiClient } from "../api/trpcClient.ts";

/**
 * Server renditions of the asset in each format, asked for one at a time (rendering is CPU work on the
 * server) once edits settle; a format's entry is kept until a newer revision of it arrives.
 */
export function useFormatRenditions(
  client: ApiClient,
  assetId: string,
  revision: number,
  settled: boolean,
  formatIds: readonly string[],
): Record<string, { dataUrl: string; revision: number }> {
  const [renditions, setRenditions] = useState<Record<string, { dataUrl: string; revision: number }>>({});
  const key = formatIds.join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the list of formats.
  useEffect(() => {
    if (!settled) return;
    let current = true;
    const timer = setTimeout(async () => {
      for (const formatId of formatIds) {
        if (!current) return;
        try {
          const r = await client.documents.render.query({ assetId, formatId, maxSize: 480 });
          if (current)
            setRenditions((all) => ({ ...all, [formatId]: { dataUrl: r.dataUrl, revision: r.revision } }));
        } catch {
          // The quick look stays; the next revision asks again.
        }
      }
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, assetId, revision, settled, key]);
  return renditions;
}
