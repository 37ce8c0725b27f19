// Vite build of the yiwang web UI. Invoked from the repository root:
//   npm run build   →  vite build --config web/vite.config.js  →  build/web/
// The C server serves build/web/index.html at `/` and the other files by path.
// `npm run dev` starts a dev server; it proxies /api and /healthz to YIWANG_API
// (default http://127.0.0.1:8080, where `make run` serves).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const api = process.env.YIWANG_API || 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  base: '/',
  publicDir: resolve(here, 'public'),
  plugins: [vue()],
  build: {
    outDir: resolve(root, 'build/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (id.includes('/echarts/') || id.includes('/zrender/')) return 'echarts';
          if (id.includes('/element-plus/') || id.includes('/@element-plus/')) return 'element-plus';
          return 'vendor';
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': { target: api },
    },
  },
});
