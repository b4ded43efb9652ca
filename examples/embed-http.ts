/**
 * sig2rtm inside an existing Node `http` server: the app keeps its own routes; sig2rtm adds its
 * WebSocket endpoint (/rtm) and its routes (/healthz, /readyz, /metrics, /sdk/*, /admin/*).
 * Shown in the README; run by test/service/embed.test.ts.
 */

import http from 'node:http';
import { createSig2rtm } from 'sig2rtm/server';

export async function start(port = 8080) {
  const rtm = await createSig2rtm({
    apps: { '0123456789abcdef0123456789abcdef': {} },
    store: 'memory',
    logLevel: 'warn',
  });
  const app = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === '/hello') res.end('hello from the app\n');
    else res.writeHead(404).end();
  };
  // sig2rtm answers its own routes and hands every other request to the app.
  const server = http.createServer((req, res) => rtm.handler(req, res, () => app(req, res)));
  rtm.attach(server); // WebSocket upgrades on /rtm; other upgrade paths are left to the app
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  const close = async () => {
    await rtm.shutdown(); // clients are told to reconnect, the store is flushed
    await new Promise((resolve) => server.close(resolve));
  };
  return { server, rtm, close };
}
