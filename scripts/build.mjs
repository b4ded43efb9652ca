// `npm run build`: the npm package and the browser bundles.
//   dist/cjs/   CommonJS and declarations, compiled by tsc (one module per source file)
//   dist/esm/   ES-module entry points wrapping the CommonJS build (one implementation, so the
//               classes seen through `import` and `require` are the same)
//   dist/browser/ the script-tag bundles, dist/browser-npm/ the browser builds of the client entries
//               (scripts/build-browser.mjs)
// `sig2rtm/rtm` and `sig2rtm/legacy` take the official packages' CommonJS shape (module-shape.mjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cjsShapeFooter } from './module-shape.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const ENTRIES = ['index', 'rtm', 'server', 'legacy', 'cli'];
/** Entries whose module.exports is their default export, as the official package's is. */
const SHAPED = ['rtm', 'legacy'];
/**
 * The type of each default export, named in the ESM declarations: a CommonJS declaration's
 * `default` seen from an ES module (moduleResolution node16/nodenext) would be the whole module.
 */
const DEFAULT_TYPES = { index: 'AgoraRTMNamespace', rtm: 'AgoraRTMNamespace', legacy: 'SignalFactory' };

fs.rmSync(path.join(dist, 'cjs'), { recursive: true, force: true });
fs.rmSync(path.join(dist, 'esm'), { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const name of SHAPED) {
  const file = path.join(dist, 'cjs', `${name}.js`);
  const js = fs.readFileSync(file, 'utf8').replace(/(\n\/\/# sourceMappingURL=.*)?$/, (map) => `\n${cjsShapeFooter}${map.trim()}\n`);
  fs.writeFileSync(file, js);
}

const require = createRequire(import.meta.url);
fs.mkdirSync(path.join(dist, 'esm'), { recursive: true });
for (const name of ENTRIES) {
  const cjs = require(path.join(dist, 'cjs', `${name}.js`));
  const hasDefault = Object.prototype.hasOwnProperty.call(cjs, 'default');
  const from = `'../cjs/${name}.js'`;
  const js = [`export * from ${from};`, hasDefault ? `import cjs from ${from};\nexport default cjs.default;` : ''].join('\n');
  const dts = [
    `export * from ${from};`,
    hasDefault ? `import type { ${DEFAULT_TYPES[name]} } from ${from};\ndeclare const _default: ${DEFAULT_TYPES[name]};\nexport default _default;` : '',
  ].join('\n');
  fs.writeFileSync(path.join(dist, 'esm', `${name}.mjs`), `${js}\n`);
  fs.writeFileSync(path.join(dist, 'esm', `${name}.d.mts`), `${dts}\n`);
}

await import('./build-browser.mjs');
await import('./build-packages.mjs');
