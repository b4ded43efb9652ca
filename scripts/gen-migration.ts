/** `npm run migration`: writes MIGRATION.md from the mapping tables (src/mapping/render-migration.ts). */

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderMigration } from '../src/mapping/render-migration';

const file = resolve(__dirname, '..', 'MIGRATION.md');
writeFileSync(file, renderMigration());
console.log(`wrote ${file}`);
