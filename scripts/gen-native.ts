/**
 * `npm run gen:native`: writes the native SDKs' generated files from the mapping tables:
 * docs/gateway-api.json (the language-neutral table) and the C++ marshalling (cpp/src/generated/).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderApiTable } from '../src/gateway/api-table';
import { renderCppFiles } from './native/render-cpp';

const root = resolve(__dirname, '..');
const files: Record<string, string> = { 'docs/gateway-api.json': renderApiTable(), ...renderCppFiles() };
for (const [rel, text] of Object.entries(files)) {
  const file = resolve(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${rel}`);
}
