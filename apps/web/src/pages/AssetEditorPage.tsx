import { useState } from "react";
import { FormError } from "../components/FormError.tsx";
import { AssetEditor } from "../editor/AssetEditor.tsx";
import { EditorFrame } from "../editor/EditorFrame.tsx";
import { EditorToolbar } from "../editor/EditorToolbar.tsx";
import { ExportDialog } from "../editor/ExportDialog.tsx";
import { useAssetPage } from "../editor/useAssetPage.ts";

/** One asset, edited live with everyone else in the project. */
export function AssetEditorPage({ projectId, assetId }: { projectId: string; assetId: string }) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [cropActive, setCropActive] = useState(false);
  const [before, setBefore] = useState(false);
  const [exporting, setExporting] = useState(false);
  const selection = selectedId ?? (cropActive ? "crop" : null);
  const { selfId, data, session, asset, ready, readOnly } = useAssetPage(projectId, assetId, selection);
  const { live } = session;

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
          refused={live.error !== null}
          readOnly={readOnly}
          onUndo={live.undo}
          onRedo={live.redo}
          onToggleBefore={() => setBefore((b) => !b)}
          onExport={() => setExporting(true)}
        />
      }
    >
      <FormError message={data.error} />
      {asset && !ready && !data.error ? (
        <p className="muted">This image is not ready to edit ({asset.status}).</p>
      ) : ready && live.document ? (
        <AssetEditor
          asset={ready}
          session={session}
          formats={data.formats}
          styles={data.styles}
          selfId={selfId}
          readOnly={readOnly}
          before={before}
          setBefore={setBefore}
          selectedId={selectedId}
          setSelectedId={setSelectedId}
          setCropActive={setCropActive}
        />
      ) : (
        !data.error && <p className="muted">Loading the editor…</p>
      )}
      {ready && (
        <ExportDialog
          open={exporting}
          assetId={ready.id}
          saving={live.saving}
          onClose={() => setExporting(false)}
        />
      )}
    </EditorFrame>
  );
}
