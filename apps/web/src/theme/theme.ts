import { useSyncExternalStore } from "react";
import "./theme.css";

export type Theme = "light" | "dark";
/** An explicit choice, or null to follow the system (prefers-color-scheme). */
export type ThemeChoice = Theme | null;

const storageKey = "atelier.theme";
const changeEvent = "atelier:theme";
const darkQuery = "(prefers-color-scheme: dark)";

export function storedTheme(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(storageKey);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null; // Storage blocked (private mode): follow the system.
  }
}

/** The theme on screen: the stored choice, else what the system prefers. */
export function effectiveTheme(): Theme {
  return storedTheme() ?? (window.matchMedia?.(darkQuery).matches ? "dark" : "light");
}

/** Marks <html> with the stored choice; call once at start-up, before the first render. */
export function applyStoredTheme(): void {
  const apply = () => {
    const choice = storedTheme();
    if (choice) document.documentElement.dataset.theme = choice;
    else delete document.documentElement.dataset.theme;
  };
  apply();
  // Another tab toggled it.
  window.addEventListener("storage", (event) => event.key === storageKey && apply());
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice) window.localStorage.setItem(storageKey, choice);
    else window.localStorage.removeItem(storageKey);
  } catch {
    // Not persisted, still applied for this page.
  }
  if (choice) document.documentElement.dataset.theme = choice;
  else delete document.documentElement.dataset.theme;
  window.dispatchEvent(new Event(changeEvent));
}

export function toggleTheme(): void {
  setTheme(effectiveTheme() === "dark" ? "light" : "dark");
}

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia?.(darkQuery);
  window.addEventListener(changeEvent, onChange);
  window.addEventListener("storage", onChange);
  media?.addEventListener("change", onChange);
  return () => {
    window.removeEventListener(changeEvent, onChange);
    window.removeEventListener("storage", onChange);
    media?.removeEventListener("change", onChange);
  };
}

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, effectiveTheme);
}
