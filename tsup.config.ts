import { defineConfig } from 'tsup';

// The npm package: ESM (.mjs) and CommonJS (.js) builds of each entry point, with declarations.
export default defineConfig({
  entry: { index: 'src/index.ts', rtm: 'src/rtm.ts', server: 'src/server.ts', legacy: 'src/legacy.ts', cli: 'src/cli.ts' },
  format: ['cjs', 'esm'],
  dts: true,
  sourcemap: true,
  // Not dist/browser: the browser bundles are built next to these by scripts/build-browser.mjs.
  clean: ['*.js', '*.mjs', '*.cjs', '*.map', '*.d.ts', '*.d.mts', '*.d.cts'],
  target: 'node20',
  splitting: true,
  shims: true,
});
