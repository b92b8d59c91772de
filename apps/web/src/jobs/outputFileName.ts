import { extensionOfMediaType as extensions, type JobOutputView } from "@atelier/shared";

/** The name to save an output under: outputs are named by role ("cutout"), so add the extension of its type. */
export function outputFileName(output: Pick<JobOutputView, "name" | "mediaType">): string {
  if (/\.[a-z0-9]{2,5}$/i.test(output.name)) return output.name;
  const ext = extensions[output.mediaType] ?? output.mediaType.split("/")[1]?.replace(/[^a-z0-9]/gi, "");
  return ext ? `${output.name}.${ext}` : output.name;
}
