import { defineConfig } from 'tsup';

// The npm package: ESM (.mjs) and CommonJS (.js) builds of each entry point, with declarations.
export default defineConfig({
  entry: { index: 'src/index.ts', rtm: 'src/rtm.ts', server: 'src/server.ts', legacy: 'src/legacy.ts', cli: 'src/cli.ts' },
  format: ['cjs', 'esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
});
