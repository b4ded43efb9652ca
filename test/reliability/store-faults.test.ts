/**
 * Issue 11, defect 4, against a real `sig2rtm serve` process on SQLite: while another process holds
 * the database's write lock (SQLITE_BUSY), a user acknowledging offline messages and a sender caching
 * one neither crash the server nor block its event loop; the sender gets a typed error, the removal
 * is retried in the background and completes once the lock is gone, faults are counted.
 */

import path from 'node:path';
import http from 'node:http';
import Database from 'better-sqlite3';
import AgoraRTM, { type RtmClient } from '../../src/rtm';
import { APP_ID, sleep, until } from '../helpers/harness';
import { requireBuild, startServerProcess, stopServerProcesses } from './helpers/server-process';

const clients: RtmClient[] = [];
beforeAll(requireBuild);
afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.removeAllListeners();
    await c.logout().catch(() => undefined);
  }
  await stopServerProcesses();
});

function client(url: string): RtmClient {
  const c = AgoraRTM.createInstance(APP_ID, { serverUrl: url, reconnect: { minMs: 20, maxMs: 100 } });
  clients.push(c);
  return c;
}

function get(port: number, p: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - t0 }));
    }).on('error', reject);
  });
}

it('a locked database: no crash, no blocked event loop, a typed error for the sender, the removal retried', async () => {
  const proc = await startServerProcess(['--store', 'sqlite']);
  const alice = client(proc.url);
  await alice.login({ uid: 'alice' });
  for (let i = 0; i < 5; i++) await alice.sendMessageToPeer({ text: `m${i}` }, 'carol', { enableOfflineMessaging: true });

  const file = path.join(proc.dataDir, 'sig2rtm.db');
  const lock = new Database(file);
  const rows = () => (lock.prepare("SELECT COUNT(*) AS n FROM offline_messages WHERE uid = 'carol'").get() as { n: number }).n;
  expect(rows()).toBe(5);
  lock.exec('BEGIN IMMEDIATE'); // another process holds the write lock

  // While it is held: carol logs in, gets the messages, acknowledges them (the removal is busy).
  const carol = client(proc.url);
  const got: string[] = [];
  carol.on('MessageFromPeer', (m: { text?: string }) => got.push(m.text ?? ''));
  await carol.login({ uid: 'carol' });
  await until(() => got.length === 5, 5000, 'five cached messages at carol');
  // A sender caching a message for an absent user gets the API's failure, not a hang or a crash.
  const err = (await alice.sendMessageToPeer({ text: 'late' }, 'dave', { enableOfflineMessaging: true }).catch((e: unknown) => e)) as { code?: number };
  expect(err.code).toBe(1);
  // The event loop keeps answering promptly.
  let slowest = 0;
  for (let i = 0; i < 10; i++) {
    const r = await get(proc.port, '/healthz');
    expect(r.status).toBe(200);
    slowest = Math.max(slowest, r.ms);
    await sleep(30);
  }
  expect(slowest).toBeLessThan(1000);
  expect(rows()).toBe(5);
  expect(proc.alive()).toBe(true);
  const metrics = (await get(proc.port, '/metrics')).body;
  expect(metrics).toMatch(/sig2rtm_faults_total\{where="offline\.remove"\} [1-9]/);
  expect(metrics).toMatch(/sig2rtm_faults_total\{where="request\.peer"\} 1/);

  lock.exec('COMMIT');
  await until(() => rows() === 0, 8000, 'the acknowledged messages removed once the lock is gone');
  lock.close();
  expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  expect(proc.alive()).toBe(true);
});
