import { useState } from "react";
import { FormError } from "../components/FormError.tsx";
import { AssetEditor, type ReadyAsset } from "../editor/AssetEditor.tsx";
import { EditorFrame } from "../editor/EditorFrame.tsx";
import { EditorToolbar } from "../editor/EditorToolbar.tsx";
import { useEditorData } from "../editor/useEditorData.ts";
import { useEditorSession } from "../editor/useEditorSession.ts";
import { useApi, useSession } from "../session/SessionContext.tsx";

/** One asset, edited live with everyone else in the project. */
export function AssetEditorPage({ projectId, assetId }: { projectId: string; assetId: string }) {
  const client = useApi();
  const selfId = useSession().user?.id ?? "";
  const data = useEditorData(client, projectId, assetId);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [cropActive, setCropActive] = useState(false);
  const [before, setBefore] = useState(false);
  const selection = selectedId ?? (cropActive ? "crop" : null);
  const session = useEditorSession(client, projectId, assetId, selfId, selection);
  const { live } = session;
  const asset = data.asset;
  const ready = asset?.status === "ready" && asset.width && asset.height && asset.url;

  return (
    <EditorFrame
      project={data.project}
      asset={asset}
      view="asset"
      stream={session.stream}
      people={session.presence.people}
      actions={
        <EditorToolbar
          canUndo={live.canUndo}
          canRedo={live.canRedo}
          before={before}
          saving={live.saving}
          onUndo={live.undo}
          onRedo={live.redo}
          onToggleBefore={() => setBefore((b) => !b)}
        />
      }
    >
      <FormError message={data.error} />
      {asset && !ready && !data.error ? (
        <p className="muted">This image is not ready to edit ({asset.status}).</p>
      ) : ready && live.document ? (
        <AssetEditor
          asset={asset as ReadyAsset}
          session={session}
          formats={data.formats}
          styles={data.styles}
          selfId={selfId}
          before={before}
          setBefore={setBefore}
          selectedId={selectedId}
          setSelectedId={setSelectedId}
          setCropActive={setCropActive}
        />
      ) : (
        !data.error && <p className="muted">Loading the editor…</p>
      )}
    </EditorFrame>
  );
}
