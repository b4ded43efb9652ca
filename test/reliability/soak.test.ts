/**
 * Soak with churn (issue 11) against a real `sig2rtm serve` process: clients connect, log in, join,
 * message, subscribe, set attributes, then log out or vanish (socket cut, no goodbye), over and over.
 * Afterwards sessions, channels, connections and timers are back to their baseline (metrics and the
 * admin API say so) and RSS is back near where it started.
 */

import http from 'node:http';
import AgoraRTM, { type RtmClient } from '../../src/rtm';
import { APP_ID, sleep } from '../helpers/harness';
import { CutProxy } from '../helpers/cut-proxy';
import { requireBuild, startServerProcess, stopServerProcesses } from './helpers/server-process';

const ADMIN = 'soak-admin-token-0123456789';
beforeAll(requireBuild);
afterAll(stopServerProcesses);

function get(port: number, p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, headers: { authorization: `Bearer ${ADMIN}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

it('churn: every session, channel, connection and timer goes away; RSS returns near its baseline', async () => {
  const proc = await startServerProcess(['--store', 'memory', '--admin-token', ADMIN, '--timing-unreachable-after-ms', '400', '--timing-offline-after-ms', '1200', '--timing-heartbeat-ms', '300']);
  const proxy = await new CutProxy(proc.port).start();
  const base = await get(proc.port, '/metrics');
  const baseTimers = metric(base, 'sig2rtm_timers');
  const baseRss = metric(base, 'sig2rtm_process_resident_memory_bytes');

  const CLIENTS = 12;
  const CYCLES = 20;
  let failures = 0;
  const cycle = async (i: number, k: number) => {
    const vanish = (i + k) % 3 === 0;
    const c: RtmClient = AgoraRTM.createInstance(APP_ID, { serverUrl: vanish ? proxy.url() : proc.url, reconnect: { minMs: 20, maxMs: 100 }, attemptTimeoutMs: 500 });
    try {
      await c.login({ uid: `u${i}` });
      const ch = c.createChannel(`room${i % 4}`);
      await ch.join();
      await ch.sendMessage({ text: `hello ${k}` });
      await c.sendMessageToPeer({ text: 'hi' }, `u${(i + 1) % CLIENTS}`);
      await c.subscribePeersOnlineStatus([`u${(i + 2) % CLIENTS}`]);
      await c.addOrUpdateLocalUserAttributes({ k: String(k) });
      await c.addOrUpdateChannelAttributes(`room${i % 4}`, { last: `u${i}` });
      if (vanish) proxy.cut(); // gone without a goodbye: the server ends the session after the grace
      else await ch.leave();
    } catch {
      failures++;
    } finally {
      c.removeAllListeners();
      await c.logout().catch(() => undefined);
    }
  };
  for (let k = 0; k < CYCLES; k++) await Promise.all(Array.from({ length: CLIENTS }, (_, i) => cycle(i, k)));
  expect(failures).toBeLessThanOrEqual(CLIENTS * CYCLES * 0.05);

  // Everything returns to zero (vanished sessions after the offline grace).
  const deadline = Date.now() + 10_000;
  let after = await get(proc.port, '/metrics');
  while (metric(after, 'sig2rtm_sessions') > 0 || metric(after, 'sig2rtm_connections') > 0) {
    if (Date.now() > deadline) throw new Error(`not back to zero: ${await get(proc.port, '/admin/users')}`);
    await sleep(100);
    after = await get(proc.port, '/metrics');
  }
  expect(JSON.parse(await get(proc.port, '/admin/users'))).toEqual({ users: [] });
  expect(JSON.parse(await get(proc.port, '/admin/channels'))).toEqual({ channels: [] });
  expect(metric(after, 'sig2rtm_sessions')).toBe(0);
  expect(metric(after, 'sig2rtm_online_users')).toBe(0);
  expect(metric(after, 'sig2rtm_channels')).toBe(0);
  expect(metric(after, 'sig2rtm_connections')).toBe(0);
  expect(metric(after, 'sig2rtm_timers')).toBeLessThanOrEqual(baseTimers + 2);
  expect(metric(after, 'sig2rtm_process_resident_memory_bytes') - baseRss).toBeLessThan(64 * 1024 * 1024);
  expect(after).not.toMatch(/^sig2rtm_faults_total/m);
  expect(proc.alive()).toBe(true);
  await proxy.stop();
  await sleep(0);
});
