import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { catalogueChunk } from './src/i18n/catalogue-chunks';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // tests/unit/test_web_weight.py reads it: what the landing page downloads first.
    manifest: true,
    rollupOptions: { output: { manualChunks: catalogueChunk } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
