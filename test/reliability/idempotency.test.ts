/**
 * Issue 11, defect 6, over real sockets: a request re-sent after a resume is answered from memory,
 * never run twice, however many requests were in flight (the server forgets an answer only once the
 * client says it has it); a request id reused for another request is refused, never answered with
 * the earlier answer.
 */

import { ProtocolError } from '../../src/rtm-core/protocol/codes';
import { APP_ID, Harness, until } from '../helpers/harness';
import { RawSockets } from './helpers/raw-ws';

const h = new Harness();
const raws = new RawSockets(() => h.server.port);
beforeEach(() => h.start({ rates: { send: { limit: 100_000, windowMs: 1000 } } }));
afterEach(async () => {
  raws.destroyAll();
  await h.stop();
});
const connect = () => raws.connect();

const N = 1000;
const peerFrame = (rid: number) => JSON.stringify({ t: 'peer', to: 'bob', msg: { type: 'TEXT', text: `m${rid}` }, rid });

it(`${N} requests whose answers were lost, re-sent after a resume, each run exactly once`, async () => {
  const bob = await h.login('bob');
  const got: string[] = [];
  bob.on('MessageFromPeer', (m: { text?: string }) => got.push(m.text ?? ''));
  const first = await connect();
  const login = await first.login(APP_ID, 'alice');
  const sid = (login.data as { sid: string }).sid;
  for (let rid = 2; rid < N + 2; rid++) first.send(peerFrame(rid));
  await until(() => got.length === N, 10_000, `${N} messages at bob`);
  // The connection dies before the client read any answer; it resumes and re-sends everything.
  first.destroy();
  const second = await connect();
  const rid = second.request({ t: 'login', v: 1, appId: APP_ID, uid: 'alice', resume: { sid, ack: 0 } });
  expect(await second.response(rid)).toMatchObject({ ok: true, data: { resumed: true } });
  for (let r = 2; r < N + 2; r++) second.send(peerFrame(r));
  await until(() => second.frames.filter((f) => f.t === 'res' && f.rid !== rid).length === N, 10_000, `${N} answers again`);
  expect(second.frames.filter((f) => f.t === 'res' && f.rid !== rid).every((f) => f.ok === true)).toBe(true);
  expect(got).toHaveLength(N);
  expect(got).toEqual(Array.from({ length: N }, (_, i) => `m${i + 2}`));
});

it('answers are forgotten once the client says it has them, and a released rid is not run again', async () => {
  const bob = await h.login('bob');
  const got: string[] = [];
  bob.on('MessageFromPeer', (m: { text?: string }) => got.push(m.text ?? ''));
  const alice = await connect();
  await alice.login(APP_ID, 'alice');
  for (let rid = 2; rid < 12; rid++) alice.send(peerFrame(rid));
  await until(() => alice.frames.filter((f) => f.t === 'res').length === 11, 3000, 'answers');
  const session = h.server.core.bus.snapshot().sessions.find((s) => s.uid === 'alice');
  expect(session?.remembered).toBe(10);
  alice.send({ t: 'ack', seq: 0, done: 7 });
  await until(() => session?.remembered === 5, 2000, 'five answers released');
  alice.send(peerFrame(3)); // released: a re-send now is a client bug, refused rather than run again
  const err = await alice.next((f) => f.t === 'error');
  expect(err.code).toBe(ProtocolError.REUSED_REQUEST_ID);
  alice.send(peerFrame(9)); // still remembered: answered again, not run
  await until(() => alice.frames.filter((f) => f.t === 'res' && f.rid === 9).length === 2, 2000, 'rid 9 answered twice');
  expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 2}`));
});

it('a request id reused for a different request is refused, never given the earlier answer', async () => {
  const alice = await connect();
  await alice.login(APP_ID, 'alice');
  const q = alice.request({ t: 'query', uids: ['alice'] });
  expect(await alice.response(q)).toEqual({ t: 'res', rid: q, ok: true, data: { online: { alice: true } } });
  alice.send({ t: 'join', ch: 'room', rid: q });
  const err = await alice.next((f) => f.t === 'error');
  expect(err).toEqual({ t: 'error', code: ProtocolError.REUSED_REQUEST_ID, msg: `request id ${q} was used for another request` });
  expect(alice.frames.filter((f) => f.t === 'res' && f.rid === q)).toHaveLength(1);
  expect(await h.server.core.store.channelCounts(APP_ID, ['room'])).toEqual({ room: 0 });
});
