/**
 * What `npm publish` would ship (`npm pack --dry-run`, after the build): the runtime, the docs, the
 * licence and the changelog — no tests, benchmarks, scripts or sources of the generators — and a
 * client-only install that never compiles better-sqlite3 (an optional peer dependency, loaded only
 * for --store sqlite).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  license: string;
  repository?: { url: string };
  homepage?: string;
  bugs?: unknown;
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

test('package.json: licence; no made-up repository, homepage or bugs URL; better-sqlite3 an optional peer, not a dependency', () => {
  expect(pkg.license).toBe('MIT');
  expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  // The project has no public home yet: whoever gives it one sets these (and this test) to the real URLs.
  expect([pkg.repository, pkg.homepage, pkg.bugs]).toEqual([undefined, undefined, undefined]);
  expect(pkg.dependencies['better-sqlite3']).toBeUndefined();
  expect(pkg.peerDependencies?.['better-sqlite3']).toBeDefined();
  expect(pkg.peerDependenciesMeta?.['better-sqlite3']?.optional).toBe(true);
});

/**
 * A preload for a fresh Node process in which better-sqlite3 is missing (a client-only install, or
 * an install from npm without the optional peer), or — `brokenNative` — present but with a native
 * module that does not load (a real dlopen of a file that is not an addon, as after a Node upgrade).
 */
function preload(dir: string, brokenNative: boolean): string {
  const file = path.join(dir, 'preload.js');
  const fakeAddon = path.join(dir, 'better_sqlite3.node');
  fs.writeFileSync(fakeAddon, 'not an addon');
  const bindings = path.join(dir, 'bindings.js');
  fs.writeFileSync(bindings, `module.exports = () => require(${JSON.stringify(fakeAddon)});`);
  fs.writeFileSync(
    file,
    `const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      ${brokenNative
        ? `if (request === 'bindings') return ${JSON.stringify(bindings)};`
        : `if (request === 'better-sqlite3') { const e = new Error("Cannot find module 'better-sqlite3'"); e.code = 'MODULE_NOT_FOUND'; throw e; }`}
      return resolve.call(this, request, ...rest);
    };`,
  );
  return file;
}

const NOT_INSTALLED = '--store sqlite (the default) needs better-sqlite3, an optional peer dependency that is not installed: run `npm install better-sqlite3`, or use --store memory (state is then lost at a restart)';

describe('without better-sqlite3', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-nosqlite-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the client entries load without it; the server loads it only for the sqlite store, else a typed error naming the fix', () => {
    const script = `
      require('./dist/cjs/rtm.js');
      require('./dist/cjs/legacy.js');
      const { createSig2rtm } = require('./dist/cjs/server.js');
      (async () => {
        const memory = await createSig2rtm({ dev: true, store: 'memory', logLevel: 'silent' });
        await memory.shutdown();
        try { await createSig2rtm({ dev: true, store: 'sqlite', dataDir: ${JSON.stringify(path.join(dir, 'data'))}, logLevel: 'silent' }); console.log('no error'); }
        catch (e) { console.log(e.name + ': ' + e.message); }
      })();
    `;
    const out = execFileSync(process.execPath, ['-r', preload(dir, false), '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe(`ConfigError: ${NOT_INSTALLED}`);
  });

  /** `sig2rtm serve` as an operator runs it: the default store, no --store flag. */
  function serve(brokenNative: boolean): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ['-r', preload(dir, brokenNative), path.join(ROOT, 'bin/sig2rtm.cjs'), 'serve', '--app', '0123456789abcdef0123456789abcdef', '--port', '0', '--data-dir', path.join(dir, 'data')], {
      cwd: dir,
      encoding: 'utf8',
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIG2RTM_'))),
      timeout: 20_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test('sig2rtm serve with the default store and no better-sqlite3: one line naming the fix, exit 2, nothing started', () => {
    expect(serve(false)).toEqual({ status: 2, stdout: '', stderr: `sig2rtm: ${NOT_INSTALLED}\n` });
  });

  test('sig2rtm serve with a better-sqlite3 whose native module does not load: one line saying to rebuild it, exit 2', () => {
    const r = serve(true);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^sig2rtm: --store sqlite: better-sqlite3 is installed but its native module does not load \(.*better_sqlite3\.node.*\): run `npm rebuild better-sqlite3` for this Node v\d+\.\d+\.\d+, or use --store memory$/), '']);
  });
});
