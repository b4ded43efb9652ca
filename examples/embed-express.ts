/**
 * sig2rtm in an Express app: its routes as middleware (here under /rtm-ops), its WebSocket
 * endpoint on the server Express listens with. Shown in the README; run by test/service/embed.test.ts.
 */

import express from 'express';
import { createSig2rtm } from 'sig2rtm/server';

export async function start(port = 8080) {
  const rtm = await createSig2rtm({
    apps: { '0123456789abcdef0123456789abcdef': {} },
    store: 'memory',
    logLevel: 'warn',
    adminToken: 'change-me-admin-token',
  });
  const app = express();
  app.get('/hello', (_req, res) => {
    res.send('hello from the app\n');
  });
  app.use('/rtm-ops', rtm.handler); // /rtm-ops/healthz, /rtm-ops/metrics, /rtm-ops/sdk/AgoraSig.js, /rtm-ops/admin/...
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  rtm.attach(server); // WebSocket upgrades on /rtm

  const close = async () => {
    await rtm.shutdown();
    await new Promise((resolve) => server.close(resolve));
  };
  return { server, rtm, close };
}
