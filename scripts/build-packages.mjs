// The two installable drop-in packages, shaped like the originals (packages/*/package.json):
//   dist/packages/agora-rtm-sdk/        index.js (the UMD bundle) + index.d.ts, like agora-rtm-sdk 1.5.1
//   dist/packages/agora-signaling-sdk/  AgoraSigSDK.min.js (the UMD bundle) + index.d.ts, like agora-signaling-sdk 1.4.0
// Their declarations are sig2rtm's own (dist/cjs/**/*.d.ts, copied under types/). Part of `npm run build`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

const PACKAGES = [
  { name: 'agora-rtm-sdk', main: 'index.js', bundle: 'agora-rtm-sdk.js', entry: 'rtm' },
  { name: 'agora-signaling-sdk', main: 'AgoraSigSDK.min.js', bundle: 'AgoraSig.js', entry: 'legacy' },
];

function copyDeclarations(from, to) {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    if (e.isDirectory()) copyDeclarations(src, path.join(to, e.name));
    else if (e.name.endsWith('.d.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, path.join(to, e.name));
    }
  }
}

for (const p of PACKAGES) {
  const out = path.join(dist, 'packages', p.name);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const f of ['package.json', 'README.md']) fs.copyFileSync(path.join(root, 'packages', p.name, f), path.join(out, f));
  fs.copyFileSync(path.join(dist, 'browser', p.bundle), path.join(out, p.main));
  copyDeclarations(path.join(dist, 'cjs'), path.join(out, 'types'));
  fs.writeFileSync(path.join(out, 'index.d.ts'), [
    `import _default from './types/${p.entry}';`,
    'export default _default;',
    `export * from './types/${p.entry}';`,
    '',
  ].join('\n'));
}
