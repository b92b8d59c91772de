import type { CSSProperties, KeyboardEvent, ReactNode } from "react";
import { type CropHandle, dragCrop, nudgeCrop } from "./cropGeometry.ts";
import type { Crop } from "./editDocument.ts";
import { usePointerDrag } from "./usePointerDrag.ts";

const handles: Exclude<CropHandle, "move">[] = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

interface CropBoxProps {
  crop: Crop;
  /** Output width / height to keep while resizing, or null for free. */
  aspect: number | null;
  imageAspect: number;
  /** The element the crop's fractions refer to (the whole image on screen). */
  frame: () => HTMLElement | null;
  onChange(crop: Crop): void;
  onEnd(): void;
  label: string;
  /** Someone else is working on this crop: their colour on the frame. */
  remote?: { name: string; colour: string } | null;
  interactive?: boolean;
  children?: ReactNode;
}

/** The crop frame over the whole image: drag inside to move, the handles to resize, arrows (Alt to resize) from the keyboard. */
export function CropBox(props: CropBoxProps) {
  const { crop, aspect, imageAspect, onChange, onEnd, remote, interactive = true } = props;
  const drag = usePointerDrag<{ crop: Crop; handle: CropHandle }>(props.frame, {
    onMove: (start, dx, dy) => onChange(dragCrop(start.crop, start.handle, dx, dy, aspect, imageAspect)),
    onEnd,
  });
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return;
    const next = nudgeCrop(crop, event.key, event.shiftKey, event.altKey);
    if (!next) return;
    event.preventDefault();
    event.stopPropagation();
    onChange(aspect && event.altKey ? dragCrop(next, "se", 0, 0, aspect, imageAspect) : next);
  };
  const style: CSSProperties = {
    left: `${crop.x * 100}%`,
    top: `${crop.y * 100}%`,
    width: `${crop.width * 100}%`,
    height: `${crop.height * 100}%`,
    ...(remote ? { outlineColor: remote.colour } : {}),
  };
  const rect = { left: style.left, top: style.top, width: style.width, height: style.height };
  return (
    <>
      <div className="crop-shade-clip" aria-hidden="true">
        <div className="crop-shade" style={rect} />
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a focusable frame the arrow keys move; no native element does that. */}
      <div
        className={`crop-box${remote ? " crop-box-remote" : ""}${interactive ? "" : " crop-box-static"}`}
        style={style}
        role="group"
        aria-label={props.label}
        aria-roledescription="crop frame"
        tabIndex={interactive ? 0 : -1}
        onKeyDown={interactive ? onKeyDown : undefined}
        onKeyUp={interactive ? () => onEnd() : undefined}
        onPointerDown={interactive ? (e) => drag.begin(e, { crop, handle: "move" }) : undefined}
        {...(interactive ? drag.bind : {})}
        data-crop={`${crop.x},${crop.y},${crop.width},${crop.height}`}
      >
        {props.children}
        {remote && (
          <span className="selection-tag" style={{ backgroundColor: remote.colour }}>
            {remote.name}
          </span>
        )}
        {interactive &&
          handles.map((handle) => (
            <span
              key={handle}
              className={`crop-handle crop-handle-${handle}`}
              aria-hidden="true"
              onPointerDown={(e) => drag.begin(e, { crop, handle })}
            />
          ))}
        {interactive && <span className="crop-grid" aria-hidden="true" />}
      </div>
    </>
  );
}
