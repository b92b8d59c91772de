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
      title="Dark mode (t)"
    >
      <span aria-hidden="true">{theme === "dark" ? "☾" : "☀"}</span> Dark mode
    </button>
  );
}
