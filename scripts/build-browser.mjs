// Browser bundles (esbuild): dist/browser/AgoraSig.js (window.Signal) and
// dist/browser/agora-rtm-sdk.js (window.AgoraRTM). Part of `npm run build`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  absWorkingDir: root,
  // Node-only modules the browser bundles never reach at run time.
  alias: { ws: './src/browser/ws-stub.ts' },
  logLevel: 'warning',
};
await Promise.all([
  build({ ...common, entryPoints: ['src/browser/agora-sig.ts'], outfile: 'dist/browser/AgoraSig.js' }),
  build({ ...common, entryPoints: ['src/browser/agora-rtm-sdk.ts'], outfile: 'dist/browser/agora-rtm-sdk.js' }),
]);
