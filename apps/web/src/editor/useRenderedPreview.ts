import { useEffect, useRef, useState } from "react";
import type { ApiClient } from "../api/trpcClient.ts";

export interface RenderedPreview {
  dataUrl: string;
  revision: number;
  width: number;
  height: number;
}

/**
 * The server's rendition of the stored document, asked for once edits settle (`delayMs` after the last
 * change that reached the server). The caller shows it only while its revision is the one on screen;
 * until then the browser's quick look stands in.
 */
export function useRenderedPreview(
  client: ApiClient,
  assetId: string,
  revision: number,
  settled: boolean,
  options: { formatId?: string; maxSize?: number; delayMs?: number; enabled?: boolean } = {},
): RenderedPreview | null {
  const { formatId, maxSize = 1024, delayMs = 250, enabled = true } = options;
  const [preview, setPreview] = useState<RenderedPreview | null>(null);
  /** The last rendition that arrived, so a re-render of the page does not ask again. */
  const asked = useRef<string | null>(null);

  useEffect(() => {
    if (!enabled || !settled) return;
    const key = `${revision}:${formatId ?? ""}:${maxSize}`;
    if (asked.current === key) return;
    let current = true;
    const timer = setTimeout(() => {
      client.documents.render.query({ assetId, maxSize, ...(formatId ? { formatId } : {}) }).then(
        (r) => {
          if (!current) return;
          asked.current = key;
          setPreview({ dataUrl: r.dataUrl, revision: r.revision, width: r.width, height: r.height });
        },
        () => undefined,
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, assetId, revision, settled, formatId, maxSize, delayMs, enabled]);

  return preview;
}
