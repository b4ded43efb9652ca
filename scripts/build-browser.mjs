// Browser builds (esbuild), ES2015 syntax so that webpack 3/4 and Babel-era toolchains parse them.
//   dist/browser/AgoraSig.js, agora-rtm-sdk.js   the script-tag bundles, UMD like the official files
//   dist/browser-npm/{rtm,legacy}.{mjs,js}       what bundlers take for `sig2rtm/rtm` and `sig2rtm/legacy`
//                                                in a browser build (package.json "browser" condition/field)
// In every browser build a module `x.ts` with a sibling `x.browser.ts` is replaced by the sibling: that
// leaves out the embedded core (and with it node:crypto, node:zlib and the server), `ws` and node:crypto.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cjsShapeFooter } from './module-shape.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `./x` → `./x.browser.ts` when that file exists (the package.json "browser" map, for our own sources). */
const browserSiblings = {
  name: 'browser-siblings',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const candidate = `${path.resolve(args.resolveDir, args.path)}.browser.ts`;
      return fs.existsSync(candidate) ? { path: candidate } : undefined;
    });
  },
};

const common = {
  bundle: true,
  platform: 'browser',
  target: 'es2015',
  sourcemap: true,
  absWorkingDir: root,
  plugins: [browserSiblings],
  inject: ['src/browser/regenerator.ts'],
  logLevel: 'warning',
};

/** UMD around an esbuild IIFE: module.exports, define, or the global `name`. */
const umd = (name) => ({
  format: 'iife',
  globalName: '__sig2rtm',
  minify: true,
  banner: {
    js: `(function(root,factory){if(typeof exports==='object'&&typeof module!=='undefined')module.exports=factory(false);`
      + `else if(typeof define==='function'&&define.amd)define([],function(){return factory(false)});`
      + `else root.${name}=factory(true)})(typeof globalThis!=='undefined'?globalThis:typeof self!=='undefined'?self:this,`
      + `function(__sig2rtmScriptTag){`,
  },
  // The export carries `.default` (itself) and `__esModule`, as the npm entries do (module-shape.mjs):
  // `import X from`, `import * as X from` (OpenDuo-Web calls the namespace) and `require` agree.
  footer: {
    js: `var d=__sig2rtm.default;if(!('default' in d))d.default=d;`
      + `Object.defineProperty(d,'__esModule',{value:true});return d});`,
  },
});

const npmEntries = ['rtm', 'legacy'];
await Promise.all([
  build({ ...common, ...umd('Signal'), entryPoints: ['src/browser/agora-sig.ts'], outfile: 'dist/browser/AgoraSig.js' }),
  build({ ...common, ...umd('AgoraRTM'), entryPoints: ['src/browser/agora-rtm-sdk.ts'], outfile: 'dist/browser/agora-rtm-sdk.js' }),
  ...npmEntries.flatMap((name) => [
    build({ ...common, format: 'esm', entryPoints: [`src/${name}.ts`], outfile: `dist/browser-npm/${name}.mjs` }),
    build({ ...common, format: 'cjs', entryPoints: [`src/${name}.ts`], outfile: `dist/browser-npm/${name}.js`, footer: { js: cjsShapeFooter } }),
  ]),
]);
