import { useState } from "react";
import { FormError } from "../components/FormError.tsx";
import { EditorFrame } from "../editor/EditorFrame.tsx";
import { FormatGallery } from "../editor/FormatGallery.tsx";
import { SaveState } from "../editor/SaveState.tsx";
import { useAssetPage } from "../editor/useAssetPage.ts";

/** The asset in every format of the organization, each croppable on its own. */
export function FormatGalleryPage({ projectId, assetId }: { projectId: string; assetId: string }) {
  const [activeId, setActiveId] = useState<string | null>(null);
  const { data, session, asset, ready, readOnly } = useAssetPage(
    projectId,
    assetId,
    activeId ? `format:${activeId}` : null,
  );
  return (
    <EditorFrame
      project={data.project}
      asset={asset}
      view="assetFormats"
      stream={session.stream}
      people={session.presence.people}
      actions={
        <SaveState saving={session.live.saving} refused={session.live.error !== null} readOnly={readOnly} />
      }
    >
      <FormError message={data.error ?? session.live.error} />
      {ready && session.live.document && data.formats.length > 0 ? (
        <FormatGallery
          asset={ready}
          session={session}
          formats={data.formats}
          readOnly={readOnly}
          activeId={activeId}
          setActiveId={setActiveId}
        />
      ) : (
        !data.error && <p className="muted">Loading formats…</p>
      )}
    </EditorFrame>
  );
}
