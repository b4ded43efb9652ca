/**
 * The browser side served by the server: the SDK bundles at stable paths (`/sdk/AgoraSig.js`,
 * `/sdk/agora-rtm-sdk.js`) and the demo app at `/`.
 */

import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { requestTarget } from './request-target';

const FILES: Record<string, { file: string[]; type: string }> = {
  '/sdk/AgoraSig.js': { file: ['dist', 'browser', 'AgoraSig.js'], type: 'text/javascript' },
  '/sdk/AgoraSig.js.map': { file: ['dist', 'browser', 'AgoraSig.js.map'], type: 'application/json' },
  '/sdk/agora-rtm-sdk.js': { file: ['dist', 'browser', 'agora-rtm-sdk.js'], type: 'text/javascript' },
  '/sdk/agora-rtm-sdk.js.map': { file: ['dist', 'browser', 'agora-rtm-sdk.js.map'], type: 'application/json' },
  '/': { file: ['demo', 'index.html'], type: 'text/html; charset=utf-8' },
  '/index.html': { file: ['demo', 'index.html'], type: 'text/html; charset=utf-8' },
  '/demo.js': { file: ['demo', 'demo.js'], type: 'text/javascript' },
  '/demo.css': { file: ['demo', 'demo.css'], type: 'text/css' },
};

/** The package's root: the nearest folder up from this module with sig2rtm's package.json. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sig2rtm') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('sig2rtm: package root not found');
    dir = up;
  }
}

export function staticRoutes(root = packageRoot()): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const target = requestTarget(req);
    const entry = target && Object.hasOwn(FILES, target.pathname) ? FILES[target.pathname] : undefined;
    if (!entry) return false;
    fs.readFile(path.join(root, ...entry.file), (err, body) => {
      if (err) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('not built yet: run `npm run build`\n');
        return;
      }
      res.writeHead(200, { 'content-type': entry.type, 'cache-control': 'no-cache' }).end(req.method === 'HEAD' ? undefined : body);
    });
    return true;
  };
}
