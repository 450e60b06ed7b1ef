// The Lab: built to web/dist and served by the API at /lab/ (every asset URL starts with /lab/).
// `npm run build:web` builds it; `npm run test:web` runs the component tests (Vitest, happy-dom).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: '/lab/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
  test: {
    environment: 'happy-dom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
