import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const server = 'http://localhost:8080';

export default defineConfig({
  root: 'client',
  // Relative asset URLs: the built client also works when served under a path prefix.
  base: './',
  plugins: [react()],
  resolve: {
    alias: [
      // React's production build never calls <Profiler onRender>; the profiling build does, and the test
      // hook counts commits with it (window.__linetwin.reactCommits). Its cost is a few per cent on commits,
      // and this app commits only on user actions.
      { find: /^react-dom\/client$/, replacement: 'react-dom/profiling' },
    ],
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // The server answers /assets/ from the repo's assets folder (glTF models), so the bundle's own files
    // must live elsewhere or they would be looked for among the models.
    assetsDir: 'bundle',
    // three alone is ~700 kB minified; it lives in its own cached chunk, so the warning says nothing useful.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'three', test: /node_modules[\\/](three|three-stdlib|@react-three|troika[^\\/]*|camera-controls|maath|meshline|stats[^\\/]*|@monogrid|@use-gesture|suspend-react|its-fine|react-use-measure)[\\/]/, priority: 2 },
            // React alone: the app shell (main.tsx) loads it up front. zustand is the app's, and comes with it.
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: 'net', test: /node_modules[\\/](socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io|debug|ms|xmlhttprequest-ssl)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': server,
      '/assets': server,
      '/healthz': server,
      '/socket.io': { target: server, ws: true },
    },
  },
  preview: {
    proxy: {
      '/api': server,
      '/assets': server,
      '/healthz': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
