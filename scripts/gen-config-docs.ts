/** Writes sig2rtm.example.json and sig2rtm.schema.json from the configuration schema (a test fails when they are stale). */
import fs from 'node:fs';
import path from 'node:path';
import { configJsonSchema, exampleConfig } from '../src/service/config';

const root = path.resolve(__dirname, '..');
fs.writeFileSync(path.join(root, 'sig2rtm.example.json'), `${JSON.stringify(exampleConfig(), null, 2)}\n`);
fs.writeFileSync(path.join(root, 'sig2rtm.schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
