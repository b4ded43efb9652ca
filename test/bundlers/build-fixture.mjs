// Builds the fixture apps of one app folder with one bundler, as that bundler's users do:
//   node build-fixture.mjs <esbuild|webpack4|webpack5|vite> <appDir>
// The app folder holds src/*.js and node_modules/{agora-rtm-sdk,agora-signaling-sdk}; the pages and
// bundles go to <appDir>/out. Run as its own process (webpack 4 needs NODE_OPTIONS=--openssl-legacy-provider
// on Node 17+, for its md4 hashes), by fixture-apps.test.ts.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [bundler, app] = process.argv.slice(2);
const out = path.join(app, 'out');
const require = createRequire(path.join(app, 'package.json'));
const APPS = ['rtm-app', 'sig-app'];
// The page tells the bundled app where the server is (no script URL to derive it from).
const setServer = `<script>window.SIG2RTM_SERVER_URL = new URLSearchParams(location.search).get('server');</script>`;
const page = (script) => `<!doctype html><html><head><meta charset="utf-8">${setServer}${script}</head><body></body></html>`;

function writeScriptPages() {
  for (const name of APPS) fs.writeFileSync(path.join(out, `${name}.html`), page(`<script src="${name}.js"></script>`));
}

function runWebpack(webpack, extra = {}) {
  const config = {
    mode: 'production',
    context: app,
    entry: Object.fromEntries(APPS.map((n) => [n, `./src/${n}.js`])),
    output: { path: out, filename: '[name].js', ...extra.output },
    target: 'web',
    performance: { hints: false },
  };
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve();
    });
  });
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
if (bundler === 'esbuild') {
  const { build } = require('esbuild');
  await build({
    entryPoints: Object.fromEntries(APPS.map((n) => [n, path.join(app, 'src', `${n}.js`)])), bundle: true, minify: true,
    platform: 'browser', outdir: out, absWorkingDir: app, tsconfigRaw: '{}', logLevel: 'error',
  });
  writeScriptPages();
} else if (bundler === 'webpack5') {
  await runWebpack(require('webpack'));
  writeScriptPages();
} else if (bundler === 'webpack4') {
  await runWebpack(require('webpack4'));
  writeScriptPages();
} else if (bundler === 'vite') {
  for (const name of APPS) fs.writeFileSync(path.join(app, `${name}.html`), page(`<script type="module" src="./src/${name}.js"></script>`));
  const { build } = await import(require.resolve('vite'));
  await build({
    root: app, logLevel: 'error', configFile: false, base: './',
    build: { outDir: out, emptyOutDir: true, rollupOptions: { input: Object.fromEntries(APPS.map((n) => [n, path.join(app, `${n}.html`)])) } },
  });
} else {
  throw new Error(`unknown bundler ${bundler}`);
}
