// Bundles the TypeScript sources into dist/ so `npx kubelite` starts without a compiler.
// Dependencies stay external: they are installed next to the bundle by npm.
import { build } from 'esbuild';

await build({
  entryPoints: { kubelite: 'src/cmd/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
