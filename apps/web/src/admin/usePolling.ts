import { useEffect } from "react";
import { type Resource, useResource } from "../api/useResource.ts";

/** A resource read again every `intervalMs` while the page is visible; the last answer stays on screen meanwhile. */
export function usePolling<T>(load: () => Promise<T>, key: string, intervalMs = 2_000): Resource<T> {
  const resource = useResource(load, key);
  const { reload } = resource;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [reload, intervalMs]);
  return resource;
}
