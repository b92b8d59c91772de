import type { AssetView } from "@atelier/shared";
import { type PointerEvent, useRef } from "react";
import type { PresenceMap } from "../presence/presenceState.ts";
import { RemoteCursors } from "../presence/RemoteCursors.tsx";
import { CropBox } from "./CropBox.tsx";
import { fullCrop } from "./cropGeometry.ts";
import { cssFilterOf, type Crop, type EditorDocument } from "./editDocument.ts";
import { TextOverlays } from "./TextOverlays.tsx";
import type { StyleGroup } from "./textStyles.ts";
import { useElementWidth } from "./useElementWidth.ts";
import type { RenderedPreview } from "./useRenderedPreview.ts";

export interface EditorCanvasProps {
  asset: AssetView & { width: number; height: number; url: string };
  doc: EditorDocument;
  styles: StyleGroup[];
  before: boolean;
  /** The server's rendition, shown while it matches what is on screen. */
  preview: RenderedPreview | null;
  previewCurrent: boolean;
  /** The document revision on screen (tests compare it across people). */
  revision: number;
  aspect: number | null;
  /** A viewer: no crop handles, overlays neither move nor open for editing. */
  readOnly: boolean;
  selectedId: string | null;
  people: PresenceMap;
  onSelect(id: string | null): void;
  onCrop(crop: Crop): void;
  onMoveOverlay(id: string, x: number, y: number): void;
  onEndGesture(): void;
  onEditOverlay(id: string): void;
  /** The pointer over the image, in fractions of the whole image (null when it leaves). */
  onCursor(cursor: { x: number; y: number } | null): void;
}

const clamp01 = (n: number) => Math.min(1, Math.max(0, n));

/**
 * The whole image with the crop frame over it: inside the frame the edited result (the browser's quick
 * look at once, the server's rendition when it arrives), outside it the rest of the image dimmed.
 */
export function EditorCanvas(props: EditorCanvasProps) {
  const { asset, doc, before, preview, previewCurrent } = props;
  const stage = useRef<HTMLDivElement>(null);
  const width = useElementWidth(stage);
  const imageAspect = asset.width / asset.height;
  const crop = doc.crop ?? fullCrop;
  const others = [...props.people.values()].filter((p) => p.selectedAssetId === asset.id);
  const cropEditor = others.find((p) => p.selection === "crop");
  const filter = cssFilterOf(doc.adjustments, width / asset.width || 1);

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const rect = stage.current?.getBoundingClientRect();
    if (!rect) return;
    props.onCursor({
      x: clamp01((event.clientX - rect.left) / rect.width),
      y: clamp01((event.clientY - rect.top) / rect.height),
    });
  };

  return (
    <div className="stage-wrap">
      <div
        className={`stage${before ? " stage-before" : ""}`}
        ref={stage}
        style={{ aspectRatio: `${asset.width} / ${asset.height}`, ["--image-aspect" as string]: imageAspect }}
        onPointerMove={onPointerMove}
        onPointerLeave={() => props.onCursor(null)}
        onPointerDown={(e) => e.target === e.currentTarget && props.onSelect(null)}
        data-testid="editor-stage"
        data-revision={props.revision}
      >
        <img
          className="stage-image"
          src={asset.url}
          alt={before ? `${asset.filename}, before editing` : `${asset.filename}, edited`}
          style={before ? undefined : { filter }}
          draggable={false}
        />
        {!before && (
          <CropBox
            crop={crop}
            aspect={props.aspect}
            imageAspect={imageAspect}
            frame={() => stage.current}
            onChange={props.onCrop}
            onEnd={props.onEndGesture}
            label="Crop frame"
            remote={cropEditor ? { name: cropEditor.name, colour: cropEditor.colour } : null}
            interactive={!props.readOnly}
          >
            <div className="crop-content">
              {previewCurrent && preview && (
                <img className="crop-rendition" src={preview.dataUrl} alt="" draggable={false} />
              )}
              <TextOverlays
                overlays={doc.overlays}
                styles={props.styles}
                selectedId={props.selectedId}
                others={others}
                textInImage={previewCurrent && preview !== null}
                onSelect={props.onSelect}
                onMove={props.readOnly ? () => {} : props.onMoveOverlay}
                onEnd={props.onEndGesture}
                onEdit={props.readOnly ? () => {} : props.onEditOverlay}
              />
            </div>
          </CropBox>
        )}
        {before && <span className="before-tag">Before</span>}
        <RemoteCursors people={props.people} assetId={asset.id} />
      </div>
    </div>
  );
}
