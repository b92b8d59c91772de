import { useMemo, useRef } from "react";
import type { PresenceMap } from "../presence/presenceState.ts";
import { RemoteCursors } from "../presence/RemoteCursors.tsx";
import type { ReadyAsset } from "./AssetEditor.tsx";
import { CropBox } from "./CropBox.tsx";
import { cssFilterOf, readDocument } from "./editDocument.ts";
import { setFormatCrop } from "./editOps.ts";
import { FormatCard } from "./FormatCard.tsx";
import { type FormatInfo, formatCropOf, type Planning } from "./formatCrop.ts";
import type { EditorSession } from "./useEditorSession.ts";
import { useFormatRenditions } from "./useFormatRenditions.ts";
import { useApi } from "../session/SessionContext.tsx";
import { useResource } from "../api/useResource.ts";

interface FormatGalleryProps {
  asset: ReadyAsset;
  session: EditorSession;
  formats: FormatInfo[];
  /** A viewer: formats are shown, not adjusted. */
  readOnly: boolean;
  activeId: string | null;
  setActiveId(id: string | null): void;
}

/** Every format side by side; adjusting one writes only that format's crop override. */
export function FormatGallery({
  asset,
  session,
  formats,
  readOnly,
  activeId,
  setActiveId,
}: FormatGalleryProps) {
  const client = useApi();
  const { live, presence } = session;
  const doc = useMemo(() => readDocument(live.document ?? {}), [live.document]);
  const image = { width: asset.width, height: asset.height };
  // The stored analysis of the original (found once, the first time anyone asks): every format is shown
  // where the planner puts it, as a `repurpose` job cuts it. Until it arrives nothing pretends to know.
  const planning = useResource(() => client.documents.planning.query({ assetId: asset.id }), asset.id);
  const plan: Planning | null = planning.data
    ? { analysis: planning.data.analysis, priority: planning.data.priority }
    : null;
  const ids = useMemo(() => formats.map((f) => f.id), [formats]);
  const renditions = useFormatRenditions(client, asset.id, live.revision, !live.saving, ids);
  const filter = cssFilterOf(doc.adjustments, 0.3);
  const active = formats.find((f) => f.id === activeId) ?? null;
  const others = [...presence.people.values()].filter((p) => p.selectedAssetId === asset.id);
  const editorOf = (id: string) => others.find((p) => p.selection === `format:${id}`) ?? null;

  if (!plan) {
    return (
      <div className="format-layout" data-planned="false">
        <p className="muted" role="status">
          {planning.error ?? "Finding faces, products and text to place each format's crop…"}
        </p>
      </div>
    );
  }
  return (
    <div className="format-layout" data-planned="true">
      {active && (
        <section className="format-editor" aria-label={`Crop of ${active.label}`}>
          <FormatStage
            asset={asset}
            people={presence.people}
            crop={formatCropOf(active, doc.crop, doc.formatCrops, image, plan).crop}
            aspect={active.width / active.height}
            label={`Crop frame of ${active.label}`}
            remote={editorOf(active.id)}
            onChange={(crop) =>
              live.change(setFormatCrop(active.id, crop), { gesture: `format:${active.id}` })
            }
            onEnd={live.endGesture}
            onCursor={presence.moveCursor}
            filter={filter}
          />
          <div className="inspector-section">
            <h2>{active.label}</h2>
            <p className="field-hint">
              {active.width}×{active.height}. Drag the frame; only this format changes.
              {doc.formatCrops[active.id]
                ? ""
                : " It shows what a repurpose job cuts (faces, product and text kept) until you move it."}
            </p>
            <div className="format-buttons" style={{ marginTop: "0.75rem" }}>
              <button type="button" className="button button-small" onClick={() => setActiveId(null)}>
                Done
              </button>
              {doc.formatCrops[active.id] && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => live.change(setFormatCrop(active.id, null))}
                >
                  Follow the main crop
                </button>
              )}
            </div>
          </div>
        </section>
      )}
      <ul className="format-grid" aria-label="Formats">
        {formats.map((format) => {
          const { crop, own } = formatCropOf(format, doc.crop, doc.formatCrops, image, plan);
          const rendition = renditions[format.id];
          const current = rendition && rendition.revision === live.revision && !live.saving;
          const editor = editorOf(format.id);
          return (
            <FormatCard
              key={format.id}
              format={format}
              imageUrl={asset.url}
              crop={crop}
              own={own}
              filter={filter}
              rendition={current ? rendition.dataUrl : null}
              active={format.id === activeId}
              readOnly={readOnly}
              editor={editor ? { name: editor.name, colour: editor.colour } : null}
              onAdjust={() => setActiveId(format.id === activeId ? null : format.id)}
              onReset={() => live.change(setFormatCrop(format.id, null))}
            />
          );
        })}
      </ul>
    </div>
  );
}

interface FormatStageProps {
  asset: ReadyAsset;
  people: PresenceMap;
  crop: import("./editDocument.ts").Crop;
  aspect: number;
  label: string;
  remote: { name: string; colour: string } | null;
  filter: string;
  onChange(crop: import("./editDocument.ts").Crop): void;
  onEnd(): void;
  onCursor(cursor: { x: number; y: number } | null): void;
}

function FormatStage(props: FormatStageProps) {
  const stage = useRef<HTMLDivElement>(null);
  const { asset } = props;
  return (
    <div className="stage-wrap">
      <div
        className="stage"
        ref={stage}
        style={{
          aspectRatio: `${asset.width} / ${asset.height}`,
          ["--image-aspect" as string]: asset.width / asset.height,
        }}
        onPointerMove={(e) => {
          const r = stage.current?.getBoundingClientRect();
          if (r)
            props.onCursor({
              x: Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)),
              y: Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)),
            });
        }}
        onPointerLeave={() => props.onCursor(null)}
      >
        <img
          className="stage-image"
          src={asset.url}
          alt={asset.filename}
          style={{ filter: props.filter }}
          draggable={false}
        />
        <CropBox
          crop={props.crop}
          aspect={props.aspect}
          imageAspect={asset.width / asset.height}
          frame={() => stage.current}
          onChange={props.onChange}
          onEnd={props.onEnd}
          label={props.label}
          remote={props.remote}
        />
        <RemoteCursors people={props.people} assetId={asset.id} />
      </div>
    </div>
  );
}
