import { type DragEvent, useId, useRef, useState } from "react";

/** Takes images by drag and drop or from the file picker; many at once either way. */
export function DropZone({
  onFiles,
  disabled = false,
}: {
  onFiles(files: File[]): void;
  disabled?: boolean;
}) {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave also fire for every child crossed; count them to know when the pointer really left.
  const depth = useRef(0);
  const inputId = useId();
  const hintId = `${inputId}-hint`;

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes("Files");

  return (
    <section
      aria-label="Upload images"
      className={dragging ? "dropzone dropzone-active" : "dropzone"}
      onDragEnter={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setDragging(true);
      }}
      onDragOver={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDrop={(event) => {
        if (disabled || !hasFiles(event)) return;
        event.preventDefault();
        depth.current = 0;
        setDragging(false);
        onFiles(Array.from(event.dataTransfer.files));
      }}
    >
      <p className="dropzone-title">Drop images here</p>
      <p id={hintId} className="muted">
        PNG, JPEG, WebP, GIF or AVIF. Several at once is fine.
      </p>
      <label className="button button-primary file-picker" htmlFor={inputId}>
        Choose images
      </label>
      <input
        id={inputId}
        className="visually-hidden"
        type="file"
        multiple
        accept="image/*"
        disabled={disabled}
        aria-describedby={hintId}
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          // Reset so choosing the same file again still fires a change.
          event.currentTarget.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
    </section>
  );
}
