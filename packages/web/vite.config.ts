import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the API runs on :8000; the Vite dev server proxies /api and /ws to it.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/ws': { target: 'ws://127.0.0.1:8000', ws: true },
    },
  },
});
