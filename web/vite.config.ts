// The dashboard's build: web/ → dist/web (gitignored), served by the API at `/` (src/api/routes/dashboard.ts).
// No UI kit, no web fonts, no CDN: every byte the page loads comes from the API's own origin,
// which is what helmet's `default-src 'self'` policy demands.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  // JSX compiles to Preact's automatic runtime (no Babel plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Inlined assets would be data: URLs; keep every asset a file on the API's origin.
    assetsInlineLimit: 0,
  },
  server: {
    // `npx vite web` during development: the API (`zekka dev`) answers /api and /ws.
    proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } },
  },
});
