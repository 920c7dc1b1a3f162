// Builds the admin UI (web/) into web/dist, which the api serves at / (docs/design.md §10).
// `npm run dev:web` serves it with live reload and forwards /api to a Greenlist on :8080.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  clearScreen: false,
  // Plain JSX transform (React 19 automatic runtime); no React plugin is needed for a build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
