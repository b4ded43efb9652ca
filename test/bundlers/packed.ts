/**
 * The package as users get it: `npm pack` of the built repository, unpacked into
 * test-artifacts/<name>/node_modules/sig2rtm of a fresh app folder. Unpacking stands in for
 * `npm install <tarball>`: the tarball's files are the same, and the app folder sits inside the
 * repository so that the package's own dependencies (ws, eventemitter3, ...) and the tools (tsc,
 * esbuild, the bundlers) resolve from the repository's node_modules, with no download.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Fails unless `npm run build` has run (npm test runs it first). */
export function requireBuild(): void {
  for (const f of ['dist/cjs/rtm.js', 'dist/esm/rtm.mjs', 'dist/browser-npm/rtm.mjs', 'dist/browser/agora-rtm-sdk.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does).`);
  }
}

/** A fresh app folder with the packed package installed; returns its path. */
export function appWithPackedPackage(name: string): string {
  requireBuild();
  const app = path.join(ROOT, 'test-artifacts', name);
  fs.rmSync(app, { recursive: true, force: true });
  const pkgDir = path.join(app, 'node_modules', 'sig2rtm');
  fs.mkdirSync(pkgDir, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const tarball = path.join(app, (JSON.parse(out) as { filename: string }[])[0]!.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `${name}-app`, private: true, version: '1.0.0' }, null, 2));
  return app;
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}
