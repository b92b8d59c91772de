import { type PointerEvent as ReactPointerEvent, useRef } from "react";

interface Drag<T> {
  start: T;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Dragging with the pointer: reports the movement since the press as fractions of `frame` (the element the
 * positions are relative to), with pointer capture so a fast drag never loses the element.
 */
export function usePointerDrag<T>(
  frame: () => HTMLElement | null,
  handlers: { onMove(start: T, dx: number, dy: number): void; onEnd(): void },
) {
  const drag = useRef<Drag<T> | null>(null);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  const begin = (event: ReactPointerEvent<HTMLElement>, start: T) => {
    const rect = frame()?.getBoundingClientRect();
    if (!rect || event.button !== 0) return;
    event.stopPropagation();
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    // preventDefault keeps the page from selecting text, and also from moving focus: move it here.
    event.currentTarget.closest<HTMLElement>("[tabindex],button")?.focus({ preventScroll: true });
    drag.current = { start, x: event.clientX, y: event.clientY, width: rect.width, height: rect.height };
  };
  const move = (event: ReactPointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (!d) return;
    handlersRef.current.onMove(d.start, (event.clientX - d.x) / d.width, (event.clientY - d.y) / d.height);
  };
  const end = () => {
    if (!drag.current) return;
    drag.current = null;
    handlersRef.current.onEnd();
  };
  return {
    begin,
    /** Spread on the element that called `begin`. */
    bind: { onPointerMove: move, onPointerUp: end, onPointerCancel: end, onLostPointerCapture: end },
    active: () => drag.current !== null,
  };
}
