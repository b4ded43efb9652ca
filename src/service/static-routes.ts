/**
 * The browser side served by the server: the SDK bundles at stable paths (`/sdk/AgoraSig.js`,
 * `/sdk/agora-rtm-sdk.js`) with an ETag and gzip, and — only in development mode or with --demo —
 * the demo app at `/`.
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { requestTarget } from './request-target';

interface Entry {
  file: string[];
  type: string;
}

const SDK: Record<string, Entry> = {
  '/sdk/AgoraSig.js': { file: ['dist', 'browser', 'AgoraSig.js'], type: 'text/javascript' },
  '/sdk/AgoraSig.js.map': { file: ['dist', 'browser', 'AgoraSig.js.map'], type: 'application/json' },
  '/sdk/agora-rtm-sdk.js': { file: ['dist', 'browser', 'agora-rtm-sdk.js'], type: 'text/javascript' },
  '/sdk/agora-rtm-sdk.js.map': { file: ['dist', 'browser', 'agora-rtm-sdk.js.map'], type: 'application/json' },
};

const DEMO: Record<string, Entry> = {
  '/': { file: ['demo', 'index.html'], type: 'text/html; charset=utf-8' },
  '/index.html': { file: ['demo', 'index.html'], type: 'text/html; charset=utf-8' },
  '/demo.js': { file: ['demo', 'demo.js'], type: 'text/javascript' },
  '/demo.css': { file: ['demo', 'demo.css'], type: 'text/css' },
  '/favicon.ico': { file: ['demo', 'favicon.svg'], type: 'image/svg+xml' },
};

const ADMIN: Record<string, Entry> = {
  '/admin/': { file: ['admin-console', 'index.html'], type: 'text/html; charset=utf-8' },
  '/admin/console.js': { file: ['admin-console', 'console.js'], type: 'text/javascript' },
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

/** A file as served: its bytes, gzipped bytes and ETag, kept while its mtime and size hold. */
interface Cached {
  stamp: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

export function staticRoutes(options: { demo: boolean; admin: boolean; root?: string }): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const root = options.root ?? packageRoot();
  const files: Record<string, Entry> = { ...SDK, ...(options.demo ? DEMO : {}), ...(options.admin ? ADMIN : {}) };
  const cache = new Map<string, Cached>();
  const load = (entry: Entry): Cached => {
    const file = path.join(root, ...entry.file);
    const st = fs.statSync(file);
    const stamp = `${st.mtimeMs}:${st.size}`;
    const hit = cache.get(file);
    if (hit?.stamp === stamp) return hit;
    const body = fs.readFileSync(file);
    const fresh = { stamp, body, gzip: zlib.gzipSync(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    cache.set(file, fresh);
    return fresh;
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const target = requestTarget(req);
    const entry = target && Object.hasOwn(files, target.pathname) ? files[target.pathname] : undefined;
    if (!entry) return false;
    let file: Cached;
    try {
      file = load(entry);
    } catch {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('not built yet: run `npm run build`\n');
      return true;
    }
    const headers: http.OutgoingHttpHeaders = { 'content-type': entry.type, 'cache-control': 'no-cache', etag: file.etag, vary: 'accept-encoding' };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzip : file.body;
    res.writeHead(200, { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
