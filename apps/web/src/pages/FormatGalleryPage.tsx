import { useState } from "react";
import { FormError } from "../components/FormError.tsx";
import type { ReadyAsset } from "../editor/AssetEditor.tsx";
import { EditorFrame } from "../editor/EditorFrame.tsx";
import { FormatGallery } from "../editor/FormatGallery.tsx";
import { useEditorData } from "../editor/useEditorData.ts";
import { useEditorSession } from "../editor/useEditorSession.ts";
import { useApi, useSession } from "../session/SessionContext.tsx";

/** The asset in every format of the organization, each croppable on its own. */
export function FormatGalleryPage({ projectId, assetId }: { projectId: string; assetId: string }) {
  const client = useApi();
  const selfId = useSession().user?.id ?? "";
  const data = useEditorData(client, projectId, assetId);
  const [activeId, setActiveId] = useState<string | null>(null);
  const session = useEditorSession(
    client,
    projectId,
    assetId,
    selfId,
    activeId ? `format:${activeId}` : null,
  );
  const asset = data.asset;
  const ready = asset?.status === "ready" && asset.width && asset.height && asset.url;
  return (
    <EditorFrame
      project={data.project}
      asset={asset}
      view="assetFormats"
      stream={session.stream}
      people={session.presence.people}
      actions={
        <span className={`save-state${session.live.saving ? " is-saving" : ""}`} role="status">
          {session.live.saving ? "Saving…" : "All changes saved"}
        </span>
      }
    >
      <FormError message={data.error ?? session.live.error} />
      {ready && session.live.document && data.formats.length > 0 ? (
        <FormatGallery
          asset={asset as ReadyAsset}
          session={session}
          formats={data.formats}
          activeId={activeId}
          setActiveId={setActiveId}
        />
      ) : (
        !data.error && <p className="muted">Loading formats…</p>
      )}
    </EditorFrame>
  );
}
