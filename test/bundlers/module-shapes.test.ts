/**
 * The packed package's module shapes, as apps load it: `require('sig2rtm/rtm')` is AgoraRTM itself
 * (with `.default`), as `require('agora-rtm-sdk')` is; `require('sig2rtm/legacy')` is the Signal
 * factory, as `require('agora-signaling-sdk')` was; ES-module imports give the same objects; the
 * README's TypeScript lines compile under every module resolution; and a browser build of the npm
 * entries carries no server code and is no larger than the served bundle.
 */

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'acorn';
import { build } from 'esbuild';
import { ROOT, appWithPackedPackage, write } from './packed';

let app: string;
beforeAll(() => {
  app = appWithPackedPackage('module-shapes');
}, 60_000);

const node = (file: string): string => execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' }).trim();

test('require: sig2rtm/rtm is AgoraRTM itself, sig2rtm/legacy is Signal itself, each with .default and the named exports', () => {
  write(app, {
    'shape.cjs': `
      const AgoraRTM = require('sig2rtm/rtm');
      const Signal = require('sig2rtm/legacy');
      console.log(JSON.stringify({
        createInstance: typeof AgoraRTM.createInstance, rtmDefault: AgoraRTM.default === AgoraRTM,
        RtmClient: typeof AgoraRTM.RtmClient, VERSION: AgoraRTM.VERSION,
        signal: typeof Signal, signalDefault: Signal.default === Signal, AgoraAPI: typeof Signal.AgoraAPI,
        version: Signal('0123456789abcdef0123456789abcdef').getSDKVersion(),
      }));`,
  });
  expect(JSON.parse(node('shape.cjs'))).toEqual({
    createInstance: 'function', rtmDefault: true, RtmClient: 'function', VERSION: '1.5.1',
    signal: 'function', signalDefault: true, AgoraAPI: 'function', version: '1.4.0',
  });
});

test('import: default and named exports from an ES module are the same objects as require gives', () => {
  write(app, {
    'shape.mjs': `
      import AgoraRTM, { RtmClient } from 'sig2rtm/rtm';
      import * as ns from 'sig2rtm/rtm';
      import Signal, { AgoraAPI } from 'sig2rtm/legacy';
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      console.log(JSON.stringify({
        createInstance: typeof AgoraRTM.createInstance, same: AgoraRTM === require('sig2rtm/rtm'),
        RtmClient: RtmClient === AgoraRTM.RtmClient, nsDefault: ns.default === AgoraRTM,
        signal: Signal === require('sig2rtm/legacy'), AgoraAPI: typeof AgoraAPI,
      }));`,
  });
  expect(JSON.parse(node('shape.mjs'))).toEqual({
    createInstance: 'function', same: true, RtmClient: true, nsDefault: true, signal: true, AgoraAPI: 'function',
  });
});

// The README's lines, compiled by tsc under each module resolution.
const README_LINES = `
import AgoraRTM from 'sig2rtm/rtm';
import type { RtmClient, RtmMessage } from 'sig2rtm/rtm';
import Signal, { AgoraAPI } from 'sig2rtm/legacy';
import { createServer } from 'sig2rtm/server';

const client: RtmClient = AgoraRTM.createInstance('0123456789abcdef0123456789abcdef', { serverUrl: 'ws://localhost:8080/rtm' });
const message: RtmMessage = { text: 'hi' };
void client.sendMessageToPeer(message, 'bob');
const session = Signal('0123456789abcdef0123456789abcdef').login('alice', '_no_need_token');
session.onLoginSuccess = (uid: number) => console.log(uid);
const api = AgoraAPI.getInstance('0123456789abcdef0123456789abcdef');
void api;
void createServer;
`;

const MATRIX: { name: string; file: string; module: string; moduleResolution: string; type?: 'module' }[] = [
  { name: 'node16-esm', file: 'main.mts', module: 'node16', moduleResolution: 'node16' },
  { name: 'node16-cjs', file: 'main.cts', module: 'node16', moduleResolution: 'node16' },
  { name: 'nodenext-esm', file: 'main.ts', module: 'nodenext', moduleResolution: 'nodenext', type: 'module' },
  { name: 'nodenext-cjs', file: 'main.ts', module: 'nodenext', moduleResolution: 'nodenext' },
  { name: 'bundler', file: 'main.ts', module: 'esnext', moduleResolution: 'bundler' },
  { name: 'node10', file: 'main.ts', module: 'commonjs', moduleResolution: 'node10' },
];

test.each(MATRIX)('TypeScript accepts the README lines: $name', ({ name, file, module, moduleResolution, type }) => {
  const dir = path.join(app, 'ts', name);
  write(dir, {
    [file]: README_LINES,
    'package.json': JSON.stringify({ name: `ts-${name}`, private: true, ...(type ? { type } : {}) }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module, moduleResolution, target: 'es2020', strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['es2020', 'dom'],
        ...(moduleResolution === 'node10' ? { ignoreDeprecations: '5.0' } : {}),
      },
      files: [file],
    }),
  });
  // The app folder's own node_modules holds sig2rtm; @types/node etc. are not needed by these lines.
  fs.symlinkSync(path.join(app, 'node_modules'), path.join(dir, 'node_modules'));
  let out = '';
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? err);
  }
  expect(out).toBe('');
}, 60_000);

async function browserBuild(code: string): Promise<{ inputs: string[]; size: number }> {
  write(app, { 'browser-entry.js': code });
  const result = await build({
    entryPoints: [path.join(app, 'browser-entry.js')], bundle: true, platform: 'browser', minify: true, write: false,
    format: 'iife', metafile: true, logLevel: 'silent', absWorkingDir: app,
    tsconfigRaw: '{}', // not the repository's tsconfig, whose paths map sig2rtm to src/
  });
  return { inputs: Object.keys(result.metafile.inputs), size: result.outputFiles[0]!.contents.length };
}
const serverCode = (inputs: string[]) => inputs.filter((i) => /rtm-core\/(server|auth)\/|embedded\.js|node_modules\/ws\/|^node:/.test(i));

test('a browser build of sig2rtm/rtm has no server code and is no larger than the served bundle', async () => {
  const { inputs, size } = await browserBuild('import AgoraRTM from "sig2rtm/rtm"; AgoraRTM.createInstance("0123456789abcdef0123456789abcdef", { serverUrl: "ws://x/rtm" });');
  expect(serverCode(inputs)).toEqual([]);
  expect(inputs.some((i) => i.includes('dist/browser-npm/rtm.mjs'))).toBe(true);
  expect(size).toBeLessThanOrEqual(fs.statSync(path.join(ROOT, 'dist', 'browser', 'agora-rtm-sdk.js')).size);
});

test('a browser build of sig2rtm/legacy has no server code (it also carries the native flavour and the router)', async () => {
  const { inputs } = await browserBuild('import Signal from "sig2rtm/legacy"; Signal("0123456789abcdef0123456789abcdef").login("a", "t");');
  expect(serverCode(inputs)).toEqual([]);
  expect(inputs.some((i) => i.includes('dist/browser-npm/legacy.mjs'))).toBe(true);
});

test('webpack 4 (which ignores "exports") resolves sig2rtm/rtm and sig2rtm/legacy to the ES2015 browser builds', async () => {
  write(app, {
    'wp4-entry.js': 'import AgoraRTM from "sig2rtm/rtm";\nimport Signal from "sig2rtm/legacy";\nwindow.out = [AgoraRTM.VERSION, typeof Signal];\n',
    'wp4-build.js': `
      const webpack = require('webpack4');
      webpack({ mode: 'production', context: __dirname, entry: './wp4-entry.js', target: 'web',
        output: { path: require('path').join(__dirname, 'wp4-out'), filename: 'main.js' } }, (err, stats) => {
        if (err || stats.hasErrors()) { console.error(err || stats.toString('errors-only')); process.exit(1); }
        console.log(JSON.stringify(stats.toJson({ all: false, modules: true }).modules.map((m) => m.name)));
      });`,
  });
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(app, 'wp4-build.js')], {
    cwd: app, env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' }, // webpack 4's md4 on Node 17+
  });
  const modules = JSON.parse(stdout) as string[];
  expect(modules).toEqual(expect.arrayContaining(['./node_modules/sig2rtm/dist/browser-npm/rtm.js', './node_modules/sig2rtm/dist/browser-npm/legacy.js']));
  expect(serverCode(modules)).toEqual([]);
}, 120_000);

test('every browser file is ES2015 syntax (what webpack 3/4 and Babel-era parsers read)', () => {
  const files = [
    ...['AgoraSig.js', 'agora-rtm-sdk.js'].map((f) => path.join(ROOT, 'dist', 'browser', f)),
    ...['rtm.js', 'legacy.js', 'rtm.mjs', 'legacy.mjs'].map((f) => path.join(ROOT, 'dist', 'browser-npm', f)),
  ];
  const failures = files.flatMap((f) => {
    try {
      parse(fs.readFileSync(f, 'utf8'), { ecmaVersion: 2015, sourceType: f.endsWith('.mjs') ? 'module' : 'script' });
      return [];
    } catch (err) {
      return [`${path.relative(ROOT, f)}: ${(err as Error).message}`];
    }
  });
  expect(failures).toEqual([]);
});

test('the UMD bundles under CommonJS: regeneratorRuntime defined when absent, an app\'s own kept', () => {
  write(app, {
    'regenerator.cjs': `
      const path = require('path');
      const bundle = path.join(${JSON.stringify(path.join(ROOT, 'dist', 'browser'))}, process.argv[2]);
      if (process.argv[3] === 'own') globalThis.regeneratorRuntime = { own: true };
      const exported = require(bundle);
      console.log(JSON.stringify({ exported: typeof exported, mark: typeof globalThis.regeneratorRuntime.mark, own: globalThis.regeneratorRuntime.own === true }));`,
  });
  const run = (bundle: string, own = '') => JSON.parse(execFileSync(process.execPath, [path.join(app, 'regenerator.cjs'), bundle, own], { encoding: 'utf8' })) as unknown;
  expect(run('agora-rtm-sdk.js')).toEqual({ exported: 'object', mark: 'function', own: false });
  expect(run('AgoraSig.js')).toEqual({ exported: 'function', mark: 'function', own: false });
  expect(run('agora-rtm-sdk.js', 'own')).toEqual({ exported: 'object', mark: 'undefined', own: true });
});
