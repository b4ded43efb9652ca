/**
 * A JSON request body, read with a size cap: a larger body is refused as soon as it passes the cap
 * (413) instead of being buffered, and a body that is not JSON is a 400.
 */

import type http from 'node:http';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

export function readJson(req: http.IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      resolve({ ok: false, status: 413, message: `body over ${maxBytes} bytes` });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (d: Buffer) => {
      if (done) return;
      size += d.length;
      if (size > maxBytes) {
        done = true;
        resolve({ ok: false, status: 413, message: `body over ${maxBytes} bytes` });
        return;
      }
      chunks.push(d);
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, status: 400, message: 'request body aborted' });
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve({ ok: true, value: {} });
        return;
      }
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        resolve({ ok: false, status: 400, message: 'body is not valid JSON' });
      }
    });
  });
}
