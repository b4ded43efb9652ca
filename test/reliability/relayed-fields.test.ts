/**
 * Issue 11, defect 7, over real sockets: only the documented fields of a message are relayed, so
 * an extra field can neither carry more than the size limit past it nor (deeply nested) overflow
 * the stack when the event is encoded.
 */

import { Harness, until } from '../helpers/harness';
import { RawSockets } from './helpers/raw-ws';

const h = new Harness();
const raws = new RawSockets(() => h.server.port);
const faults: unknown[] = [];
beforeEach(async () => {
  faults.length = 0;
  await h.start({ observer: { fault: (where, err) => faults.push({ where, err }) } });
});
afterEach(async () => {
  raws.destroyAll();
  await h.stop();
});
const loggedIn = (uid: string) => raws.loggedIn(uid);

const BIG = 'x'.repeat(150_000);
const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

/** A frame with a huge and a deeply nested extra field, as text (the nesting cannot go through JSON.stringify). */
const withExtras = (frame: Record<string, unknown>, msg: Record<string, unknown>) =>
  `${JSON.stringify(frame).slice(0, -1)},"msg":${JSON.stringify({ ...msg, big: BIG }).slice(0, -1)},"deep":${DEEP}},"top":${DEEP}}`;

it('a peer message relays type and text only', async () => {
  const alice = await loggedIn('alice');
  const bob = await loggedIn('bob');
  alice.send(withExtras({ t: 'peer', rid: 10, to: 'bob' }, { type: 'TEXT', text: 'hi' }));
  const push = await bob.next((f) => f.t === 'push');
  expect(push.ev).toEqual({ e: 'peer', from: 'alice', msg: { type: 'TEXT', text: 'hi' }, ts: (push.ev as { ts: number }).ts });
  expect(typeof (push.ev as { ts: unknown }).ts).toBe('number');
  expect(JSON.stringify(push).length).toBeLessThan(200);
  bob.send({ t: 'ack', seq: push.seq });
  expect(await alice.response(10)).toEqual({ t: 'res', rid: 10, ok: true, data: { received: true } });
  expect(faults).toEqual([]);
});

it('a channel message and a call signal relay their documented fields only', async () => {
  const alice = await loggedIn('alice');
  const bob = await loggedIn('bob');
  for (const r of [alice, bob]) expect((await r.response(r.request({ t: 'join', ch: 'room' }))).ok).toBe(true);
  alice.send(withExtras({ t: 'chmsg', rid: 20, ch: 'room' }, { type: 'TEXT', text: 'all' }));
  expect((await alice.response(20)).ok).toBe(true);
  const chmsg = await bob.next((f) => f.t === 'push' && (f.ev as { e: string }).e === 'chmsg');
  expect((chmsg.ev as { msg: unknown }).msg).toEqual({ type: 'TEXT', text: 'all' });

  const call = { kind: 'invite', callId: 'c1', channelId: 'room', extra: '', more: 'not documented' };
  alice.send(withExtras({ t: 'peer', rid: 21, to: 'bob' }, { type: 'CALL', call }));
  const signal = await bob.next((f) => f.t === 'push' && (f.ev as { e: string; msg: { type: string } }).msg?.type === 'CALL');
  expect((signal.ev as { msg: unknown }).msg).toEqual({ type: 'CALL', call: { kind: 'invite', callId: 'c1', channelId: 'room', extra: '' } });
  expect(faults).toEqual([]);
});

// 25 messages make the point (each member would get 25 × 190 KB if extras were relayed) at a CPU cost
// (masking, parsing, fingerprinting 190 KB frames) that a loaded 2-core machine pays within the budget.
it('a fan-out of padded messages (25 × 5 members) relays only their texts', async () => {
  const alice = await loggedIn('alice');
  const members = await Promise.all(Array.from({ length: 5 }, (_, i) => loggedIn(`m${i}`)));
  for (const r of [alice, ...members]) expect((await r.response(r.request({ t: 'join', ch: 'big' }))).ok).toBe(true);
  let received = 0;
  for (const m of members) m.socket.on('data', (d: Buffer) => (received += d.length));
  const padded = withExtras({ t: 'chmsg', rid: 99, ch: 'big' }, { type: 'TEXT', text: 'ok' });
  for (let i = 0; i < 25; i++) alice.send(padded.replace('"rid":99', `"rid":${100 + i}`));
  await alice.response(124, 10_000);
  const chmsgs = (r: (typeof members)[number]) => r.frames.filter((f) => f.t === 'push' && (f.ev as { e: string }).e === 'chmsg').length;
  await until(() => members.every((m) => chmsgs(m) === 25), 10_000, 'every member got all 25');
  // 25 messages × 5 members of ~100 bytes each, not of 200 KB each.
  expect(received).toBeLessThan(25 * 5 * 400);
  expect(faults).toEqual([]);
});
