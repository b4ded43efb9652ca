/**
 * A browser app that imports only `Signal` from `sig2rtm/legacy` (the web flavour) gets neither the
 * gradual-migration router, nor the native `AgoraAPI` class, nor the method table (MIGRATION.md's
 * text): nothing in those modules runs at load (no prototype loop, no static field assignment, the
 * table made by a function marked pure), so a bundler drops them.
 */

import path from 'node:path';
import { build } from 'esbuild';
import { ROOT, requireBuild } from './packed';

async function bundle(imports: string): Promise<string> {
  requireBuild();
  const legacy = path.join(ROOT, 'dist', 'browser-npm', 'legacy.mjs');
  const r = await build({
    stdin: { contents: `import { ${imports} } from ${JSON.stringify(legacy)};\nglobalThis.x = [${imports}];\n`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

// Text only the router, only the native class and only the method table contain (property names
// and strings survive minification).
const ROUTER = 'not available on the';
const NATIVE = 'createAgoraSDKInstance(';
const METHOD_TABLE = 'One shared instance per appId';

test('importing only Signal leaves the router and the native class out; importing them brings them in', async () => {
  const signalOnly = await bundle('Signal');
  expect(signalOnly).not.toContain(ROUTER);
  expect(signalOnly).not.toContain(NATIVE);
  expect(signalOnly).not.toContain(METHOD_TABLE);
  const all = await bundle('Signal, AgoraAPI, createSignaling');
  for (const marker of [ROUTER, NATIVE, METHOD_TABLE]) expect(all).toContain(marker);
});
