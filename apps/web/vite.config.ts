import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dev server forwards API, storage and health calls to the Atelier server so the
// session cookie and the WebSocket stay same-origin, exactly as in production.
const serverOrigin = `http://127.0.0.1:${process.env.ATELIER_PORT ?? 3000}`;

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true },
  server: {
    proxy: {
      "/trpc": { target: serverOrigin, ws: true, changeOrigin: false },
      "/storage": { target: serverOrigin, changeOrigin: false },
      "/healthz": { target: serverOrigin, changeOrigin: false },
    },
  },
});
