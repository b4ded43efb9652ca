/**
 * Fuzzing a live server (issue 11) with fast-check: random and mutated frames, frame sequences and
 * HTTP requests. Invariants: the server survives and contains no fault (nothing reached
 * observer.fault), every request it can identify is answered (a result or its documented error),
 * the connection keeps serving in order, and a bystander keeps its round trip.
 */

import fc from 'fast-check';
import { Harness } from '../helpers/harness';
import { RawSockets } from './helpers/raw-ws';
import { getTarget, rawHttp } from './helpers/server-process';

const h = new Harness();
const faults: { where: string; err: unknown }[] = [];
const raws = new RawSockets(() => h.server.port);
beforeAll(() =>
  h.start({
    maxBadFrames: 1_000_000,
    rates: { send: { limit: 1_000_000, windowMs: 1000 }, join: { limit: 1_000_000, windowMs: 1000 }, joinSame: { limit: 1_000_000, windowMs: 1000 }, ping: { limit: 1_000_000, windowMs: 1000 } },
    observer: { fault: (where, err) => faults.push({ where, err }) },
    httpHandler: (req, res) => {
      if (!req.url?.startsWith('/echo')) return false;
      res.writeHead(200).end('ok');
      return true;
    },
  }),
);
afterAll(async () => {
  raws.destroyAll();
  await h.stop();
});
const loggedIn = (uid: string) => raws.loggedIn(uid);

const TYPES = ['login', 'renew', 'peer', 'join', 'leave', 'chmsg', 'members', 'counts', 'query', 'sub', 'unsub', 'uattr', 'uattrGet', 'cattr', 'cattrGet', 'chmsgOut', 'membersOut', 'ack', 'ping', 'nope'];
const id = fc.oneof(fc.constantFrom('bob', 'room', '__proto__', 'constructor', '', 'null', 'a'.repeat(65)), fc.string({ maxLength: 70 }), fc.anything());
const message = fc.oneof(
  fc.record({ type: fc.constantFrom('TEXT', 'RAW', 'CALL', 'OTHER'), text: fc.oneof(fc.string(), fc.anything()) }, { requiredKeys: [] }),
  fc.record({ type: fc.constant('CALL'), call: fc.record({ kind: fc.oneof(fc.constantFrom('invite', 'cancel'), fc.anything()), callId: id, channelId: id, extra: fc.anything() }, { requiredKeys: [] }) }),
  fc.anything(),
);
const change = fc.oneof(
  fc.record({ op: fc.constantFrom('set', 'add', 'del', 'clear', 'x'), attrs: fc.dictionary(fc.string({ maxLength: 40 }), fc.oneof(fc.string(), fc.anything())), keys: fc.array(fc.anything()) }, { requiredKeys: ['op'] }),
  fc.anything(),
);
/** A frame of a known shape with any of its fields wrong (or right). */
const mutated = fc
  .record(
    {
      t: fc.constantFrom(...TYPES),
      rid: fc.oneof(fc.integer({ min: 1_000, max: 1_000_000 }), fc.anything()),
      to: id, ch: id, uid: id, uids: fc.oneof(fc.array(id, { maxLength: 5 }), fc.anything()), chs: fc.array(id, { maxLength: 5 }),
      msg: message, change, notify: fc.anything(), keys: fc.anything(), token: fc.anything(), seq: fc.anything(),
      // Below the probes' rids: a `done` above them would (rightly) make every probe a released rid.
      done: fc.oneof(fc.integer({ min: -5, max: 999 }), fc.string(), fc.constant(null)), offline: fc.anything(),
    },
    { requiredKeys: ['t', 'rid'] },
  )
  .map((f) => JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
const frame = fc.oneof(
  { weight: 6, arbitrary: mutated },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
);

it('random and mutated frame sequences: no fault, every identifiable request answered, the connection and a bystander served', async () => {
  const fuzzer = await loggedIn('fuzzer');
  const bystander = await loggedIn('bystander');
  let probe = 10_000_000;
  let worstRoundTrip = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
      for (const f of frames) {
        if (typeof f === 'string') fuzzer.send(f);
        else fuzzer.sendFrame(f, 0x2);
      }
      // The connection still answers, after everything sent before (in order).
      const rid = ++probe;
      fuzzer.send({ t: 'query', uids: ['bystander'], rid });
      const res = await fuzzer.response(rid, 5000);
      if (res.ok !== true && res.code !== 102 && res.code !== 5) throw new Error(`probe answered ${JSON.stringify(res)}`);
      const t0 = Date.now();
      const before = bystander.frames.length;
      bystander.send('{"t":"ping"}');
      await bystander.next((f) => f.t === 'pong' && bystander.frames.indexOf(f) >= before, 5000);
      worstRoundTrip = Math.max(worstRoundTrip, Date.now() - t0);
      fuzzer.frames.length = 0;
      bystander.frames.length = 0;
      if (faults.length > 0) throw new Error(`fault: ${faults.map((x) => `${x.where}: ${String(x.err)}`).join('; ')}`);
    }),
    { numRuns: 300 },
  );
  expect(faults).toEqual([]);
  expect(worstRoundTrip).toBeLessThan(1000);
  expect(fuzzer.ended).toBe(false);
});

it('random HTTP request targets and methods: never a 5xx, never a crash', async () => {
  const target = fc.oneof(
    fc.constantFrom('/', '/healthz', '/echo', '//[', 'http://[/', '//x:99999/', '*', '/rtm', '/%', '/?%zz=%'),
    fc.string({ unit: fc.constantFrom(...'/:[]@%?#.x0-_~!$&\'()*+,;='.split('')), maxLength: 30 }).map((s) => (s.startsWith('/') ? s : `/${s}`)),
    fc.webUrl(),
  );
  const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'BREW');
  await fc.assert(
    fc.asyncProperty(method, target, async (m, t) => {
      const { status } = await rawHttp(h.server.port, `${m} ${t} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      if (status >= 500) throw new Error(`${m} ${t} → ${status}`);
    }),
    { numRuns: 200 },
  );
  expect((await getTarget(h.server.port, '/echo')).status).toBe(200);
  expect(faults).toEqual([]);
});
