import { useSyncExternalStore } from "react";
import { parseRoute, type Route } from "./routes.ts";

const navigateEvent = "atelier:navigate";

/** Moves to `path` inside the app without a page load. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === currentPath()) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(navigateEvent));
}

export function currentPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(navigateEvent, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(navigateEvent, onChange);
  };
}

/** The current path, re-rendering on back/forward and on `navigate`. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

export function useRoute(): Route {
  const path = usePath();
  const url = new URL(path, "http://atelier.invalid");
  return parseRoute(url.pathname, url.search);
}
