// `npm run build`: the npm package and the browser bundles.
//   dist/cjs/   CommonJS and declarations, compiled by tsc (one module per source file)
//   dist/esm/   ES-module entry points wrapping the CommonJS build (one implementation, so the
//               classes seen through `import` and `require` are the same)
//   dist/browser/ the script-tag bundles (scripts/build-browser.mjs)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const ENTRIES = ['index', 'rtm', 'server', 'legacy', 'cli'];

fs.rmSync(path.join(dist, 'cjs'), { recursive: true, force: true });
fs.rmSync(path.join(dist, 'esm'), { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const require = createRequire(import.meta.url);
fs.mkdirSync(path.join(dist, 'esm'), { recursive: true });
for (const name of ENTRIES) {
  const cjs = require(path.join(dist, 'cjs', `${name}.js`));
  const hasDefault = Object.prototype.hasOwnProperty.call(cjs, 'default');
  const from = `'../cjs/${name}.js'`;
  const js = [`export * from ${from};`, hasDefault ? `import cjs from ${from};\nexport default cjs.default;` : ''].join('\n');
  const dts = [`export * from ${from};`, hasDefault ? `export { default } from ${from};` : ''].join('\n');
  fs.writeFileSync(path.join(dist, 'esm', `${name}.mjs`), `${js}\n`);
  fs.writeFileSync(path.join(dist, 'esm', `${name}.d.mts`), `${dts}\n`);
}

await import('./build-browser.mjs');
