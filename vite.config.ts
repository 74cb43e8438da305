import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The planner console (src/console/web) as static files in dist/console, served by the API server at /console.
 * No inline script (the pages' CSP forbids it) and nothing from another origin: it works offline.
 */
export default defineConfig({
  root: fileURLToPath(new URL('src/console/web', import.meta.url)),
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('dist/console', import.meta.url)),
    emptyOutDir: true,
    // The module preload polyfill is an inline script; every browser the console supports preloads natively.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
  },
});
