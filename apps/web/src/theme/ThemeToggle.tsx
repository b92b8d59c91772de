import { toggleTheme, useTheme } from "./theme.ts";

/** Dark mode on or off; remembered in this browser. Until pressed, the system's setting applies. */
export function ThemeToggle() {
  const theme = useTheme();
  return (
    <button
      type="button"
      className="button button-small theme-toggle"
      aria-pressed={theme === "dark"}
      aria-keyshortcuts="t"
      onClick={toggleTheme}
      title={`${theme === "dark" ? "Switch to light mode" : "Switch to dark mode"} (t)`}
    >
      <span aria-hidden="true">{theme === "dark" ? "☾" : "☀"}</span> Dark mode:{" "}
      {theme === "dark" ? "on" : "off"}
    </button>
  );
}
