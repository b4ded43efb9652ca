/** `npm run migration`: writes MIGRATION.md from the mapping tables (src/mapping/render-migration.ts). */

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderMigration } from '../src/mapping/render-migration';

const root = resolve(__dirname, '..');
const file = resolve(root, 'MIGRATION.md');
const workedExample = readFileSync(resolve(root, 'examples/gradual-migration.ts'), 'utf8');
writeFileSync(file, renderMigration({ workedExample }));
console.log(`wrote ${file}`);
