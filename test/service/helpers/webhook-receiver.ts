/**
 * A real webhook receiver for the tests: an HTTP server on a free port that records each POST
 * (parsed event, headers, raw body, arrival time) and answers what `answer` says — a status, or
 * 'hang' to never answer (a stuck endpoint).
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../../src/server';

export interface Received {
  event: WebhookEvent;
  headers: http.IncomingHttpHeaders;
  raw: string;
  at: number;
}

export interface Receiver {
  url: string;
  got: Received[];
  /** POSTs seen, retries included. */
  attempts: () => number;
  close: () => Promise<void>;
}

export async function receiver(answer: (n: number) => number | 'hang' = () => 200): Promise<Receiver> {
  const got: Received[] = [];
  let n = 0;
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const a = answer(++n);
      got.push({ event: JSON.parse(raw) as WebhookEvent, headers: req.headers, raw, at: Date.now() });
      if (a === 'hang') hanging.push(res);
      else res.writeHead(a).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    attempts: () => n,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
