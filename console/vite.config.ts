import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = process.env.ADMIRAL_URL ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', reportCompressedSize: true },
  server: { proxy: { '/v1': server, '/docs': server } },
});
