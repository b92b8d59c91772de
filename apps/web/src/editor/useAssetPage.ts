import { useOrgs } from "../session/OrgsContext.tsx";
import { useApi, useSession } from "../session/SessionContext.tsx";
import type { ReadyAsset } from "./AssetEditor.tsx";
import { useEditorData } from "./useEditorData.ts";
import { useEditorSession } from "./useEditorSession.ts";

/**
 * What both views of one asset (the editor and the format gallery) stand on: its data, the live
 * session with the given selection shown to others, and the asset once it can be edited.
 */
export function useAssetPage(projectId: string, assetId: string, selection: string | null) {
  const client = useApi();
  const selfId = useSession().user?.id ?? "";
  const data = useEditorData(client, projectId, assetId);
  const session = useEditorSession(client, projectId, assetId, selfId, selection);
  const asset = data.asset;
  const ready: ReadyAsset | null =
    asset?.status === "ready" && asset.width && asset.height && asset.url ? (asset as ReadyAsset) : null;
  // Viewers get the same pages with read-only controls: the server would refuse every edit anyway.
  const { orgs } = useOrgs();
  const role = orgs.find((o) => o.id === data.project?.orgId)?.role;
  const readOnly = role === undefined || role === "viewer";
  return { selfId, data, session, asset, ready, readOnly };
}
