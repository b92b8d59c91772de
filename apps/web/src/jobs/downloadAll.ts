import type { JobOutputView } from "@atelier/shared";
import { createZip } from "./zip.ts";

/** Fetches every output (signed URLs, same origin) and saves them as one store-only ZIP. */
export async function downloadAll(outputs: JobOutputView[], archiveName: string): Promise<void> {
  const downloadable = outputs.filter((o): o is JobOutputView & { url: string } => o.url !== null);
  const entries = await Promise.all(
    downloadable.map(async (output) => {
      const res = await fetch(output.url, { credentials: "include" });
      if (!res.ok)
        throw new Error(`Could not fetch ${output.fileName} (HTTP ${res.status}); reload and try again.`);
      return { name: output.fileName, data: new Uint8Array(await res.arrayBuffer()) };
    }),
  );
  const zip = createZip(entries);
  const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: "application/zip" }));
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = archiveName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The download has started from the click; the URL is only needed until then.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
