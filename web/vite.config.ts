// The Lab: built to web/dist and served by the API at /lab/ (every asset URL starts with /lab/).
// `npm run build:web` builds it; `npm run test:web` runs the component tests (Vitest, happy-dom).
/// <reference types="node" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: '/lab/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  // `vite web` / `vite preview web` during development: the API (LAB_API_URL, default the one of npm run dev)
  server: { proxy: { '/v1': process.env.LAB_API_URL ?? 'http://127.0.0.1:3000' } },
  preview: { proxy: { '/v1': process.env.LAB_API_URL ?? 'http://127.0.0.1:3000' } },
  test: {
    environment: 'happy-dom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
  },
});
