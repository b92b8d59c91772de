import type { AssetView } from "@atelier/shared";
import { useEffect, useMemo, useRef, useState } from "react";
import { FormError } from "../components/FormError.tsx";
import { pathOf } from "../router/routes.ts";
import { AdjustmentsPanel } from "./AdjustmentsPanel.tsx";
import { lastChangeOf } from "./changeLog.ts";
import { CropPanel } from "./CropPanel.tsx";
import { cropToAspect } from "./cropGeometry.ts";
import { EditorCanvas } from "./EditorCanvas.tsx";
import { type Overlay, readDocument } from "./editDocument.ts";
import {
  addOverlay,
  removeOverlay,
  resetAdjustments,
  setAdjustment,
  setCrop,
  setOverlayField,
} from "./editOps.ts";
import { aspectPresets, type FormatInfo } from "./formatCrop.ts";
import { freeSpot, settleClash } from "./placeOverlay.ts";
import { HistoryPanel } from "./HistoryPanel.tsx";
import { TextPanel } from "./TextPanel.tsx";
import type { StyleGroup } from "./textStyles.ts";
import type { EditorSession } from "./useEditorSession.ts";
import { useEditorShortcuts } from "./useEditorShortcuts.ts";
import { useRenderedPreview } from "./useRenderedPreview.ts";
import { useApi } from "../session/SessionContext.tsx";

export type ReadyAsset = AssetView & { width: number; height: number; url: string };

interface AssetEditorProps {
  asset: ReadyAsset;
  session: EditorSession;
  formats: FormatInfo[];
  styles: StyleGroup[];
  selfId: string;
  /** A viewer: everything is shown, nothing can be changed (the server refuses it anyway). */
  readOnly: boolean;
  before: boolean;
  setBefore(update: (before: boolean) => boolean): void;
  selectedId: string | null;
  setSelectedId(id: string | null): void;
  setCropActive(active: boolean): void;
}

/** The editing surface: canvas in the middle, crop / adjust / text / history on the side. */
export function AssetEditor(props: AssetEditorProps) {
  const { asset, session, selectedId, setSelectedId } = props;
  const { live, presence, changes } = session;
  const client = useApi();
  const doc = useMemo(() => readDocument(live.document ?? {}), [live.document]);
  const imageAspect = asset.width / asset.height;
  const presets = useMemo(
    () => aspectPresets(props.formats, asset.width, asset.height),
    [props.formats, asset],
  );
  const [presetId, setPresetId] = useState("free");
  const aspect = presets.find((p) => p.id === presetId)?.aspect ?? null;
  // A new text is a draft here until its first word: the placeholder is never content, for anyone.
  const [draftText, setDraftText] = useState<Overlay | null>(null);
  const selected =
    doc.overlays.find((o) => o.id === selectedId) ?? (draftText?.id === selectedId ? draftText : null);
  const focusText = useRef(false);

  const preview = useRenderedPreview(client, asset.id, live.revision, !live.saving);
  const previewCurrent = preview !== null && preview.revision === live.revision && !live.saving;

  useEffect(() => {
    if (draftText && selectedId !== draftText.id) setDraftText(null);
  }, [draftText, selectedId]);
  useEffect(() => {
    if (selectedId && !selected) setSelectedId(null);
    if (selected && focusText.current) {
      focusText.current = false;
      const field = document.getElementById("overlay-text") as HTMLTextAreaElement | null;
      field?.focus();
      field?.select();
    }
  }, [selectedId, selected, setSelectedId]);

  const addText = () => {
    const id = crypto.randomUUID();
    setDraftText({ id, text: "", styleSet: "title", ...freeSpot(doc.overlays, props.selfId) });
    focusText.current = true;
    setSelectedId(id);
  };
  const remove = (id: string) => {
    if (draftText?.id === id) setDraftText(null);
    else live.change(removeOverlay(id));
    setSelectedId(null);
  };
  const setText = (id: string, text: string) => {
    if (draftText?.id === id) {
      live.change(addOverlay({ ...draftText, text }), { gesture: `text:${id}` });
      justAdded.current.set(id, Date.now());
      setDraftText(null);
    } else live.change(setOverlayField(id, "text", text), { gesture: `text:${id}` });
  };
  const setStyle = (id: string, styleSet: string) => {
    if (draftText?.id === id) setDraftText({ ...draftText, styleSet });
    else live.change(setOverlayField(id, "styleSet", styleSet));
  };
  const shownDoc = draftText ? { ...doc, overlays: [...doc.overlays, draftText] } : doc;

  // Someone else may have added a text on the same line at the same moment: once both are here, the one
  // with the greater id moves (each side decides alike, so exactly one does).
  const justAdded = useRef(new Map<string, number>());
  useEffect(() => {
    for (const [id, at] of justAdded.current) {
      if (Date.now() - at > 10_000) justAdded.current.delete(id);
      const mine = doc.overlays.find((o) => o.id === id);
      const spot = mine && settleClash(mine, doc.overlays, props.selfId);
      if (!mine || !spot) continue;
      justAdded.current.delete(id);
      live.change([...setOverlayField(id, "x", spot.x), ...setOverlayField(id, "y", spot.y)]);
    }
  }, [doc.overlays, live, props.selfId]);

  const { readOnly } = props;
  const none = () => {};
  useEditorShortcuts({
    undo: readOnly ? none : live.undo,
    redo: readOnly ? none : live.redo,
    delete: () => !readOnly && selected && remove(selected.id),
    addText: readOnly ? none : addText,
    toggleBefore: () => props.setBefore((b) => !b),
    deselect: () => setSelectedId(null),
    nudge: ([dx, dy]) => {
      if (!selected || readOnly) return false;
      const clamp = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 10_000) / 10_000;
      live.change(
        [
          ...setOverlayField(selected.id, "x", clamp(selected.x + dx)),
          ...setOverlayField(selected.id, "y", clamp(selected.y + dy)),
        ],
        { gesture: `move:${selected.id}` },
      );
      return true;
    },
  });

  const cropChange = lastChangeOf(changes, ["crop"]);
  return (
    <div className="editor-layout">
      <div className="editor-main">
        <EditorCanvas
          asset={asset}
          doc={shownDoc}
          styles={props.styles}
          before={props.before}
          preview={preview}
          previewCurrent={previewCurrent}
          revision={live.revision}
          readOnly={readOnly}
          aspect={aspect}
          selectedId={selectedId}
          people={presence.people}
          onSelect={(id) => {
            setSelectedId(id);
            if (!id) props.setCropActive(false);
          }}
          onCrop={(crop) => {
            props.setCropActive(true);
            setSelectedId(null);
            live.change(setCrop(crop), { gesture: "crop" });
          }}
          onMoveOverlay={(id, x, y) =>
            draftText?.id === id
              ? setDraftText({ ...draftText, x, y })
              : live.change([...setOverlayField(id, "x", x), ...setOverlayField(id, "y", y)], {
                  gesture: `move:${id}`,
                })
          }
          onEndGesture={live.endGesture}
          onEditOverlay={(id) => {
            focusText.current = true;
            setSelectedId(id);
          }}
          onCursor={presence.moveCursor}
        />
        <FormError message={live.error} />
        <p className="canvas-hint muted" data-preview={previewCurrent ? "server" : "quick"}>
          {previewCurrent ? "Showing the rendered result." : "Quick preview — rendering…"} Shortcuts: T add
          text, Delete remove, B before/after, {"Ctrl+Z"} undo.
        </p>
      </div>
      <aside className="inspector" aria-label="Edit settings">
        {readOnly && (
          <p className="read-only-note" role="note">
            You are a viewer here: you can look and export, not edit. Ask an admin for the member role.
          </p>
        )}
        {/* A disabled fieldset disables every control inside it, however deep. */}
        <fieldset className="inspector-controls" disabled={readOnly}>
          <CropPanel
            presets={presets}
            presetId={presetId}
            cropped={doc.crop !== null}
            onPreset={(id) => {
              setPresetId(id);
              const next = presets.find((p) => p.id === id)?.aspect;
              if (next) live.change(setCrop(cropToAspect(doc.crop, next, imageAspect)));
            }}
            onReset={() => live.change(setCrop(null))}
            formatsHref={pathOf({ name: "assetFormats", projectId: asset.projectId, assetId: asset.id })}
            lastChangeBy={
              cropChange ? (cropChange.userId === props.selfId ? "you" : cropChange.userName) : null
            }
          />
          <TextPanel
            overlays={shownDoc.overlays}
            selected={selected}
            styles={props.styles}
            lastChange={selected ? lastChangeOf(changes, ["overlays", selected.id]) : null}
            selfId={props.selfId}
            onAdd={addText}
            onSelect={setSelectedId}
            onText={setText}
            onStyle={setStyle}
            onRemove={remove}
            onEnd={live.endGesture}
          />
          <AdjustmentsPanel
            adjustments={doc.adjustments}
            onChange={(name, value, ongoing) =>
              live.change(setAdjustment(name, value), { gesture: name, ongoing })
            }
            onReset={() => live.change(resetAdjustments())}
            onEnd={live.endGesture}
          />
        </fieldset>
        <HistoryPanel
          changes={changes}
          people={presence.people}
          selfId={props.selfId}
          context={{
            texts: Object.fromEntries(doc.overlays.map((o) => [o.id, o.text])),
            formats: Object.fromEntries(props.formats.map((f) => [f.id, f.label])),
          }}
        />
      </aside>
    </div>
  );
}
