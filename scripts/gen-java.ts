/**
 * `npm run gen:java`: writes the Java SDK's generated sources (java/src/generated/) from
 * docs/gateway-api.json, the table `npm run gen:native` renders from src/mapping.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderJavaFiles } from './native/render-java';

const root = resolve(__dirname, '..');
for (const [rel, text] of Object.entries(renderJavaFiles())) {
  const file = resolve(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${rel}`);
}
