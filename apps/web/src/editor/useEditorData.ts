import type { AssetView, ProjectView } from "@atelier/shared";
import { useMemo } from "react";
import type { ApiClient } from "../api/trpcClient.ts";
import { useResource } from "../api/useResource.ts";
import type { FormatInfo } from "./formatCrop.ts";
import { type StyleGroup, styleGroups, type TextLook } from "./textStyles.ts";

export interface EditorData {
  asset: AssetView | undefined;
  project: ProjectView | undefined;
  formats: FormatInfo[];
  styles: StyleGroup[];
  error: string | null;
}

/** What an editor page reads once: the asset (with its signed URL), its project, the organization's formats and styles. */
export function useEditorData(client: ApiClient, projectId: string, assetId: string): EditorData {
  const asset = useResource(() => client.assets.get.query({ assetId }), assetId);
  const project = useResource(() => client.projects.get.query({ projectId }), projectId);
  const orgId = project.data?.orgId;
  const settings = useResource(
    async () =>
      orgId
        ? Promise.all([client.settings.formats.query({ orgId }), client.settings.textStyles.query({ orgId })])
        : undefined,
    orgId ?? "",
  );
  const [formats, textStyles] = settings.data ?? [[], undefined];
  const styles = useMemo(
    () =>
      styleGroups(
        (textStyles?.builtIn ?? {}) as Record<string, TextLook>,
        (textStyles?.sets ?? []) as Array<{ name: string; styles: Record<string, TextLook> }>,
      ),
    [textStyles],
  );
  return {
    asset: asset.data,
    project: project.data,
    formats,
    styles,
    error: asset.error ?? project.error ?? settings.error,
  };
}
