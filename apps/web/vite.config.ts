import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

/** The SPA is served by the API in production; in development Vite proxies /api to it. */
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: "dist",
    // bench/web-bundle.ts reads the manifest to size what each route loads.
    manifest: true,
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", changeOrigin: false },
    },
  },
});
