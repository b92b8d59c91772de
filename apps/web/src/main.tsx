import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { SessionProvider } from "./session/SessionContext.tsx";
import "./styles.css";
import { applyStoredTheme } from "./theme/theme.ts";

applyStoredTheme();

const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks the #root element.");
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);
