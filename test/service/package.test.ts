/**
 * What `npm publish` would ship (`npm pack --dry-run`, after the build): the runtime, the docs, the
 * licence and the changelog — no tests, benchmarks, scripts or sources of the generators — and a
 * client-only install that never compiles better-sqlite3 (an optional peer dependency, loaded only
 * for --store sqlite).
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  license: string;
  repository?: { url: string };
  homepage?: string;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

test('the tarball holds the runtime and the docs, and no test, bench, script or TypeScript source', () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cjs', 'index.js'))) throw new Error('dist is missing: run `npm run build` first');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  for (const needed of ['LICENSE', 'CHANGELOG.md', 'README.md', 'MIGRATION.md', 'package.json', 'bin/sig2rtm.cjs', 'dist/cjs/server.js', 'dist/esm/server.mjs', 'dist/browser/AgoraSig.js', 'sig2rtm.example.json', 'sig2rtm.schema.json']) {
    expect(files).toContain(needed);
  }
  const stray = files.filter((f) => /^(test|bench|scripts|src|examples|native)\//.test(f) || /\.test\.|\.spec\./.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.mts')));
  expect(stray).toEqual([]);
});

test('package.json: licence, repository, homepage; better-sqlite3 an optional peer, not a dependency', () => {
  expect(pkg.license).toBe('MIT');
  expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
  expect(pkg.homepage).toMatch(/^https:\/\//);
  expect(pkg.dependencies['better-sqlite3']).toBeUndefined();
  expect(pkg.peerDependencies?.['better-sqlite3']).toBeDefined();
  expect(pkg.peerDependenciesMeta?.['better-sqlite3']?.optional).toBe(true);
});

test('the client entries load without better-sqlite3; the server loads it only for the sqlite store', () => {
  // A fresh Node process in which resolving better-sqlite3 fails, as in a client-only install.
  const script = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'better-sqlite3') { const e = new Error("Cannot find module 'better-sqlite3'"); e.code = 'MODULE_NOT_FOUND'; throw e; }
      return resolve.call(this, request, ...rest);
    };
    require('./dist/cjs/rtm.js');
    require('./dist/cjs/legacy.js');
    const { createSig2rtm } = require('./dist/cjs/server.js');
    (async () => {
      const memory = await createSig2rtm({ dev: true, store: 'memory', logLevel: 'silent' });
      await memory.shutdown();
      try { await createSig2rtm({ dev: true, store: 'sqlite', dataDir: ${JSON.stringify(path.join(os.tmpdir(), 'sig2rtm-nosqlite'))}, logLevel: 'silent' }); console.log('no error'); }
      catch (e) { console.log(e.name + ': ' + e.message); }
    })();
  `;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(out.trim()).toBe('ConfigError: --store sqlite needs the better-sqlite3 package: npm install better-sqlite3 (or use --store memory)');
});
