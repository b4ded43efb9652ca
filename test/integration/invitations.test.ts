/**
 * Call invitations (rtm-1x.md §3.5, §5.1/§5.2 InvitationApiCallError, §6.2, §8.6, §8.7): the states and
 * events of LocalInvitation (caller) and RemoteInvitation (callee), the protocol's timers and their
 * boundaries, the synchronous errors, and the legacy end-call message.
 *
 * Timers run on each CLIENT's clock: every client here has its own ManualClock and small configured
 * `invitation` timings. Signals between peers still cross the real network, so after moving a clock
 * the resulting events are awaited. The server's heartbeat interval is made huge so that moving a
 * client's clock never makes the client think its connection went quiet.
 */

import AgoraRTM from '../../src/rtm';
import { RtmStatusCode, type RemoteInvitation, type RtmClient } from '../../src/rtm';
import { ManualClock } from '../../src/rtm-core/clock';
import type { InvitationTimings } from '../../src/rtm-core/client/invitations';
import type { ServerOptions } from '../../src/server';
import { APP_ID, Harness, record, sleep, until, waitForEvent, type RawSocket } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

const T: InvitationTimings = { resendMs: 200, deliveryDeadlineMs: 1000, expireMs: 3000, acceptResendMs: 100, acceptTimeoutMs: 500 };
const SERVER: ServerOptions = { timings: { heartbeatMs: 3_600_000 } };

const LOCAL_EVENTS = ['LocalInvitationReceivedByPeer', 'LocalInvitationAccepted', 'LocalInvitationRefused', 'LocalInvitationCanceled', 'LocalInvitationFailure'];
const REMOTE_EVENTS = ['RemoteInvitationAccepted', 'RemoteInvitationRefused', 'RemoteInvitationCanceled', 'RemoteInvitationFailure'];

type Log = { name: string; args: unknown[] }[];
const names = (log: Log) => log.map((e) => e.name);

interface Party {
  client: RtmClient;
  clock: ManualClock;
}

function party(): Party {
  const clock = new ManualClock();
  return { clock, client: h.client({ clock, invitation: T }) };
}

async function online(uid: string): Promise<Party> {
  const p = party();
  await p.client.login({ uid });
  return p;
}

/** Moves `clock` forward by `ms` in steps, letting the network run in between (replies to resends land). */
async function step(clock: ManualClock, ms: number, by = 100, pause = 10): Promise<void> {
  for (let left = ms; left > 0; left -= by) {
    clock.advance(Math.min(by, left));
    await sleep(pause);
  }
}

/** The synchronous error thrown by `fn`. */
function thrown(fn: () => unknown): { name: string; code: number } {
  try {
    fn();
  } catch (err) {
    const e = err as { name: string; code: number };
    return { name: e.name, code: e.code };
  }
  throw new Error('expected a throw');
}

/** alice invites bob, who is online; resolves once bob holds the RemoteInvitation and alice knows it arrived. */
async function invited(content = 'join me', channelId = 'room') {
  const alice = await online('alice');
  const bob = await online('bob');
  const received = waitForEvent<[RemoteInvitation]>(bob.client, 'RemoteInvitationReceived');
  const inv = alice.client.createLocalInvitation('bob');
  inv.content = content;
  inv.channelId = channelId;
  const local = record(inv, LOCAL_EVENTS);
  const byPeer = waitForEvent(inv, 'LocalInvitationReceivedByPeer');
  inv.send();
  const [remote] = await received;
  await byPeer;
  const remoteLog = record(remote, REMOTE_EVENTS);
  return { alice, bob, inv, remote, local, remoteLog };
}

// ---- the three endings ----------------------------------------------------------------------------

describe('states and events', () => {
  beforeEach(() => h.start(SERVER));

  test('accept: SENT_TO_REMOTE at once, then RECEIVED_BY_REMOTE, ACCEPT_SENT_TO_LOCAL, ACCEPTED / ACCEPTED_BY_REMOTE', async () => {
    const alice = await online('alice');
    const bob = await online('bob');
    const received = waitForEvent<[RemoteInvitation]>(bob.client, 'RemoteInvitationReceived');
    const inv = alice.client.createLocalInvitation('bob');
    expect(inv.state).toBe('IDLE');
    expect(inv.calleeId).toBe('bob');
    expect(inv.content).toBe('');
    expect(inv.channelId).toBe('');
    expect(inv.response).toBe('');
    inv.content = 'join me';
    inv.channelId = 'room';
    const local = record(inv, LOCAL_EVENTS);
    inv.send();
    expect(inv.state).toBe('SENT_TO_REMOTE');
    expect(local).toEqual([]);

    const [remote] = await received;
    expect(remote.callerId).toBe('alice');
    expect(remote.content).toBe('join me');
    expect(remote.channelId).toBe('room');
    expect(remote.state).toBe('INVITATION_RECEIVED');
    expect(remote.response).toBe('');
    await until(() => local.length === 1, 2000, 'LocalInvitationReceivedByPeer');
    expect(local).toEqual([{ name: 'LocalInvitationReceivedByPeer', args: [] }]);
    expect(inv.state).toBe('RECEIVED_BY_REMOTE');

    const remoteLog = record(remote, REMOTE_EVENTS);
    remote.response = 'on my way';
    remote.accept();
    expect(remote.state).toBe('ACCEPT_SENT_TO_LOCAL');
    expect(remoteLog).toEqual([]); // completes only when the caller's acknowledgement arrives
    await until(() => remoteLog.length === 1 && local.length === 2, 2000, 'both sides accepted');
    expect(local[1]).toEqual({ name: 'LocalInvitationAccepted', args: ['on my way'] });
    expect(inv.state).toBe('ACCEPTED_BY_REMOTE');
    expect(inv.response).toBe('on my way');
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationAccepted', args: [] }]);
    expect(remote.state).toBe('ACCEPTED');

    // Terminal: no timer left to fire anything later.
    await step(alice.clock, T.expireMs * 2, 500, 0);
    await step(bob.clock, T.expireMs * 2, 500, 0);
    await sleep(50);
    expect(names(local)).toEqual(['LocalInvitationReceivedByPeer', 'LocalInvitationAccepted']);
    expect(names(remoteLog)).toEqual(['RemoteInvitationAccepted']);
  });

  test('refuse: REFUSED and RemoteInvitationRefused immediately; caller LocalInvitationRefused(response), REFUSED_BY_REMOTE', async () => {
    const { inv, remote, local, remoteLog } = await invited();
    remote.response = 'busy';
    remote.refuse();
    expect(remote.state).toBe('REFUSED');
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationRefused', args: [] }]);
    await until(() => local.length === 2, 2000, 'LocalInvitationRefused');
    expect(local).toEqual([
      { name: 'LocalInvitationReceivedByPeer', args: [] },
      { name: 'LocalInvitationRefused', args: ['busy'] },
    ]);
    expect(inv.state).toBe('REFUSED_BY_REMOTE');
    expect(inv.response).toBe('busy');
  });

  test('cancel: CANCELED and LocalInvitationCanceled immediately; callee RemoteInvitationCanceled(current content), CANCELED', async () => {
    const { inv, remote, local, remoteLog } = await invited('first words');
    inv.content = 'never mind';
    inv.cancel();
    expect(inv.state).toBe('CANCELED');
    expect(names(local)).toEqual(['LocalInvitationReceivedByPeer', 'LocalInvitationCanceled']);
    expect(local[1]!.args).toEqual([]);
    await until(() => remoteLog.length === 1, 2000, 'RemoteInvitationCanceled');
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationCanceled', args: ['never mind'] }]);
    expect(remote.state).toBe('CANCELED');
    expect(remote.content).toBe('never mind');
  });

  test('cancel while still SENT_TO_REMOTE (callee offline): CANCELED at once, no failure later', async () => {
    const alice = await online('alice');
    const inv = alice.client.createLocalInvitation('bob');
    const local = record(inv, LOCAL_EVENTS);
    inv.send();
    inv.cancel();
    expect(inv.state).toBe('CANCELED');
    await step(alice.clock, T.deliveryDeadlineMs * 2, 200);
    expect(names(local)).toEqual(['LocalInvitationCanceled']);
  });

  test('two invitations to the same callee are two calls, each with its own RemoteInvitation', async () => {
    const alice = await online('alice');
    const bob = await online('bob');
    const got: RemoteInvitation[] = [];
    bob.client.on('RemoteInvitationReceived', (r) => got.push(r));
    const one = alice.client.createLocalInvitation('bob');
    const two = alice.client.createLocalInvitation('bob');
    one.content = 'one';
    two.content = 'two';
    one.send();
    two.send();
    await until(() => got.length === 2, 2000, 'two invitations');
    expect(got.map((r) => r.content).sort()).toEqual(['one', 'two']);
    const second = got.find((r) => r.content === 'two')!;
    const firstLog = record(got.find((r) => r.content === 'one')!, REMOTE_EVENTS);
    second.refuse();
    await until(() => two.state === RtmStatusCode.LocalInvitationState.REFUSED_BY_REMOTE, 2000, 'two refused');
    await sleep(30);
    expect(one.state).toBe('RECEIVED_BY_REMOTE');
    expect(firstLog).toEqual([]);
  });
});

// ---- failures and timer boundaries -----------------------------------------------------------------

describe('timers', () => {
  beforeEach(() => h.start(SERVER));

  test('callee offline: resent every resendMs, FAILURE PEER_OFFLINE exactly at deliveryDeadlineMs (not at -1)', async () => {
    const alice = await online('alice');
    const inv = alice.client.createLocalInvitation('bob');
    const local = record(inv, LOCAL_EVENTS);
    inv.send();
    await step(alice.clock, T.deliveryDeadlineMs - 1);
    await sleep(30);
    expect(local).toEqual([]);
    expect(inv.state).toBe('SENT_TO_REMOTE');
    alice.clock.advance(1);
    expect(local).toEqual([{ name: 'LocalInvitationFailure', args: ['PEER_OFFLINE'] }]);
    expect(inv.state).toBe('FAILURE');
    // Nothing more afterwards, and no more resends: bob logging in now gets nothing.
    const bob = await online('bob');
    const late = record(bob.client, ['RemoteInvitationReceived']);
    await step(alice.clock, T.deliveryDeadlineMs, 200);
    await sleep(30);
    expect(late).toEqual([]);
    expect(local).toHaveLength(1);
  });

  test('callee logs in during the retries: delivered by the next resend (not before), then INVITATION_EXPIRE expireMs after RECEIVED_BY_REMOTE', async () => {
    const alice = await online('alice');
    const inv = alice.client.createLocalInvitation('bob');
    inv.channelId = 'room';
    const local = record(inv, LOCAL_EVENTS);
    inv.send(); // attempt at t = 0: bob is not there
    await sleep(30);
    const bob = await online('bob');
    const received = record(bob.client, ['RemoteInvitationReceived']);

    alice.clock.advance(T.resendMs - 1);
    await sleep(50);
    expect(received).toEqual([]);
    expect(inv.state).toBe('SENT_TO_REMOTE');

    alice.clock.advance(1); // t = resendMs: the resend reaches bob
    await until(() => local.length === 1, 2000, 'LocalInvitationReceivedByPeer');
    expect(local).toEqual([{ name: 'LocalInvitationReceivedByPeer', args: [] }]);
    expect(inv.state).toBe('RECEIVED_BY_REMOTE');
    expect(received).toHaveLength(1);
    expect((received[0]!.args[0] as RemoteInvitation).channelId).toBe('room');

    // The delivery deadline no longer applies; expiry counts from RECEIVED_BY_REMOTE (t = resendMs).
    await step(alice.clock, T.expireMs - 1, 250);
    expect(names(local)).toEqual(['LocalInvitationReceivedByPeer']);
    alice.clock.advance(1);
    expect(local[1]).toEqual({ name: 'LocalInvitationFailure', args: ['INVITATION_EXPIRE'] });
    expect(inv.state).toBe('FAILURE');
  });

  test('nobody ends it: the caller fails INVITATION_EXPIRE at expireMs after RECEIVED_BY_REMOTE, the callee at expireMs after receipt', async () => {
    const { alice, bob, inv, remote, local, remoteLog } = await invited();
    // Each side runs on its own clock: move the callee's first.
    bob.clock.advance(T.expireMs - 1);
    expect(remote.state).toBe('INVITATION_RECEIVED');
    expect(remoteLog).toEqual([]);
    bob.clock.advance(1);
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationFailure', args: ['INVITATION_EXPIRE'] }]);
    expect(remote.state).toBe('FAILURE');

    alice.clock.advance(T.expireMs - 1);
    expect(inv.state).toBe('RECEIVED_BY_REMOTE');
    alice.clock.advance(1);
    expect(local).toEqual([
      { name: 'LocalInvitationReceivedByPeer', args: [] },
      { name: 'LocalInvitationFailure', args: ['INVITATION_EXPIRE'] },
    ]);
    expect(inv.state).toBe('FAILURE');
  });

  test('the callee accepts after the caller went away: FAILURE PEER_OFFLINE (never delivered) exactly at acceptTimeoutMs', async () => {
    const { alice, bob, remote, remoteLog } = await invited();
    await alice.client.logout();
    remote.accept();
    expect(remote.state).toBe('ACCEPT_SENT_TO_LOCAL');
    await step(bob.clock, T.acceptTimeoutMs - 1, 100);
    await sleep(30);
    expect(remoteLog).toEqual([]);
    expect(remote.state).toBe('ACCEPT_SENT_TO_LOCAL');
    bob.clock.advance(1);
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationFailure', args: ['PEER_OFFLINE'] }]);
    expect(remote.state).toBe('FAILURE');
    // The accept timer replaced the expiry timer: nothing else fires.
    await step(bob.clock, T.expireMs, 500, 0);
    expect(remoteLog).toHaveLength(1);
  });

  test('caller not logged in: SENT_TO_REMOTE, then FAILURE NOT_LOGGEDIN at deliveryDeadlineMs', async () => {
    const alice = party();
    const inv = alice.client.createLocalInvitation('bob');
    const local = record(inv, LOCAL_EVENTS);
    inv.send();
    expect(inv.state).toBe('SENT_TO_REMOTE');
    await step(alice.clock, T.deliveryDeadlineMs - 1, 200, 0);
    expect(local).toEqual([]);
    alice.clock.advance(1);
    expect(local).toEqual([{ name: 'LocalInvitationFailure', args: ['NOT_LOGGEDIN'] }]);
    expect(inv.state).toBe('FAILURE');
  });
});

// ---- hand-driven peers ------------------------------------------------------------------------------

describe('with a hand-driven peer', () => {
  let rid = 100;
  async function rawLogin(uid: string): Promise<RawSocket> {
    const s = await h.raw();
    s.send({ t: 'login', rid: 1, v: 1, appId: APP_ID, uid });
    expect(await s.next((f) => f.t === 'res' && f.rid === 1)).toMatchObject({ ok: true });
    return s;
  }
  async function call(s: RawSocket, to: string, call: Record<string, string>): Promise<Record<string, unknown>> {
    const id = ++rid;
    s.send({ t: 'peer', rid: id, to, msg: { type: 'CALL', call } });
    return s.next((f) => f.t === 'res' && f.rid === id);
  }
  const pushed = (kind: string) => (f: Record<string, unknown>) =>
    f.t === 'push' && ((f.ev as { msg?: { call?: { kind?: string } } }).msg?.call?.kind === kind);

  test('a re-sent invite (same callId) does not create a second RemoteInvitation; another callId does', async () => {
    await h.start(SERVER);
    const bob = await online('bob');
    const got = record(bob.client, ['RemoteInvitationReceived']);
    const alice = await rawLogin('alice');
    const invite = { kind: 'invite', callId: 'call-1', channelId: 'room', extra: 'hello' };
    expect(await call(alice, 'bob', invite)).toMatchObject({ ok: true, data: { received: true } });
    expect(await call(alice, 'bob', invite)).toMatchObject({ ok: true, data: { received: true } });
    expect(await call(alice, 'bob', invite)).toMatchObject({ ok: true, data: { received: true } });
    expect(got).toHaveLength(1);
    const remote = got[0]!.args[0] as RemoteInvitation;
    expect([remote.callerId, remote.content, remote.channelId]).toEqual(['alice', 'hello', 'room']);
    expect(await call(alice, 'bob', { ...invite, callId: 'call-2' })).toMatchObject({ ok: true, data: { received: true } });
    expect(got).toHaveLength(2);
  });

  test('acceptance delivered but never acknowledged: FAILURE ACCEPT_FAILURE exactly at acceptTimeoutMs', async () => {
    await h.start(SERVER);
    const bob = await online('bob');
    const received = waitForEvent<[RemoteInvitation]>(bob.client, 'RemoteInvitationReceived');
    const alice = await rawLogin('alice');
    await call(alice, 'bob', { kind: 'invite', callId: 'call-1', channelId: '', extra: '' });
    const [remote] = await received;
    const remoteLog = record(remote, REMOTE_EVENTS);
    remote.response = 'yes';
    remote.accept();
    // The raw caller's client receives the acceptance (and acknowledges the push), but never sends acceptAck.
    const frame = await alice.next(pushed('accept'));
    expect((frame.ev as { msg: { call: unknown } }).msg.call).toEqual({ kind: 'accept', callId: 'call-1', channelId: '', extra: 'yes' });
    alice.send({ t: 'ack', seq: frame.seq as number });
    await sleep(50); // bob hears that the acceptance was delivered
    await step(bob.clock, T.acceptTimeoutMs - 1, 100);
    expect(remoteLog).toEqual([]);
    expect(remote.state).toBe('ACCEPT_SENT_TO_LOCAL');
    // Delivered, so no resend went out.
    expect(alice.frames.filter(pushed('accept'))).toEqual([]);
    bob.clock.advance(1);
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationFailure', args: ['ACCEPT_FAILURE'] }]);
    expect(remote.state).toBe('FAILURE');
  });

  test('the caller comes back while the acceptance is being resent: it arrives with the next resend (not before), and the acknowledgement completes it', async () => {
    await h.start(SERVER);
    const bob = await online('bob');
    const received = waitForEvent<[RemoteInvitation]>(bob.client, 'RemoteInvitationReceived');
    const first = await rawLogin('alice');
    await call(first, 'bob', { kind: 'invite', callId: 'call-1', channelId: 'room', extra: '' });
    const [remote] = await received;
    const remoteLog = record(remote, REMOTE_EVENTS);
    // The caller's session ends.
    first.send({ t: 'logout', rid: 2 });
    await first.next((f) => f.t === 'res' && f.rid === 2);
    first.close();

    remote.accept(); // attempt at t = 0: nobody to deliver to
    await sleep(50);
    const back = await rawLogin('alice');
    bob.clock.advance(T.acceptResendMs - 1);
    await sleep(50);
    expect(back.frames.filter(pushed('accept'))).toEqual([]);
    bob.clock.advance(1); // t = acceptResendMs: resent
    const frame = await back.next(pushed('accept'));
    back.send({ t: 'ack', seq: frame.seq as number });
    expect(remote.state).toBe('ACCEPT_SENT_TO_LOCAL');
    await call(back, 'bob', { kind: 'acceptAck', callId: 'call-1', channelId: 'room', extra: '' });
    await until(() => remoteLog.length === 1, 2000, 'RemoteInvitationAccepted');
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationAccepted', args: [] }]);
    expect(remote.state).toBe('ACCEPTED');
    // Done: the accept timeout no longer fires.
    bob.clock.advance(T.acceptTimeoutMs);
    expect(remoteLog).toHaveLength(1);
  });

  test('callee online but never acknowledging: FAILURE PEER_NO_RESPONSE at deliveryDeadlineMs', async () => {
    await h.start({ timings: { heartbeatMs: 3_600_000, peerAckTimeoutMs: 30 } });
    const alice = await online('alice');
    const bob = await rawLogin('bob'); // logged in, never acks a push
    const inv = alice.client.createLocalInvitation('bob');
    const local = record(inv, LOCAL_EVENTS);
    inv.send();
    await step(alice.clock, T.deliveryDeadlineMs - 1, T.resendMs, 80);
    expect(local).toEqual([]);
    // Every attempt reached bob's socket.
    expect(bob.frames.filter(pushed('invite')).length).toBeGreaterThanOrEqual(T.deliveryDeadlineMs / T.resendMs);
    alice.clock.advance(1);
    expect(local).toEqual([{ name: 'LocalInvitationFailure', args: ['PEER_NO_RESPONSE'] }]);
  });
});

// ---- synchronous errors ---------------------------------------------------------------------------

describe('synchronous errors (InvitationApiCallError)', () => {
  beforeEach(() => h.start(SERVER));

  const ARG = { name: 'RtmInvalidArgumentError', code: 1 };
  const NOT_STARTED = { name: 'RtmInvalidStatusError', code: 2 };
  const ENDED = { name: 'RtmInvalidStatusError', code: 3 };
  const ACCEPTING = { name: 'RtmInvalidStatusError', code: 4 };
  const SENT = { name: 'RtmInvalidStatusError', code: 5 };

  test('LocalInvitation: cancel before send → 2; send twice → 5; send or cancel after the end → 3', async () => {
    const { inv } = await invited();
    expect(thrown(() => inv.send())).toEqual(SENT); // RECEIVED_BY_REMOTE

    const alice = await online('carol');
    const fresh = alice.client.createLocalInvitation('bob');
    expect(thrown(() => fresh.cancel())).toEqual(NOT_STARTED);
    expect(fresh.state).toBe('IDLE');
    fresh.send();
    expect(thrown(() => fresh.send())).toEqual(SENT); // SENT_TO_REMOTE
    fresh.cancel();
    expect(thrown(() => fresh.send())).toEqual(ENDED);
    expect(thrown(() => fresh.cancel())).toEqual(ENDED);
    expect(fresh.state).toBe('CANCELED');
  });

  test('RemoteInvitation: accept twice → 4; refuse while accepting → 4; accept or refuse after the end → 3', async () => {
    const { remote } = await invited();
    remote.accept();
    expect(thrown(() => remote.accept())).toEqual(ACCEPTING);
    expect(thrown(() => remote.refuse())).toEqual(ACCEPTING);
    await until(() => remote.state === RtmStatusCode.RemoteInvitationState.ACCEPTED, 2000);
    expect(thrown(() => remote.accept())).toEqual(ENDED);
    expect(thrown(() => remote.refuse())).toEqual(ENDED);

    const again = await invited('second', 'room2');
    again.remote.refuse();
    expect(thrown(() => again.remote.accept())).toEqual(ENDED);
    expect(thrown(() => again.remote.refuse())).toEqual(ENDED);
  });

  test('content and response over 8192 bytes → 1 (8192 is fine); nothing is sent', async () => {
    const { alice, bob, remote } = await invited();
    const got = record(bob.client, ['RemoteInvitationReceived']);
    const inv = alice.client.createLocalInvitation('bob');
    inv.content = 'é'.repeat(4096) + 'x'; // 8193 bytes
    expect(thrown(() => inv.send())).toEqual(ARG);
    expect(inv.state).toBe('IDLE');

    inv.content = 'é'.repeat(4096); // 8192 bytes
    inv.send();
    await until(() => got.length === 1, 2000, 'the 8192-byte invitation');
    expect((got[0]!.args[0] as RemoteInvitation).content).toBe('é'.repeat(4096));
    inv.content = 'x'.repeat(8193);
    expect(thrown(() => inv.cancel())).toEqual(ARG);
    expect(inv.state).not.toBe('CANCELED');

    remote.response = 'x'.repeat(8193);
    expect(thrown(() => remote.accept())).toEqual(ARG);
    expect(thrown(() => remote.refuse())).toEqual(ARG);
    expect(remote.state).toBe('INVITATION_RECEIVED');
    remote.response = 'x'.repeat(8192);
    remote.refuse();
    expect(remote.state).toBe('REFUSED');
  });

  test('read-only properties: LocalInvitation.response (code 1), RemoteInvitation.content and channelId throw', async () => {
    const { inv, remote } = await invited('hello', 'room');
    expect(thrown(() => ((inv as { response: string }).response = 'x'))).toEqual(ARG);
    expect(inv.response).toBe('');
    expect(thrown(() => ((remote as { content: string }).content = 'x'))).toEqual(ARG);
    expect(thrown(() => ((remote as { channelId: string }).channelId = 'x'))).toEqual(ARG);
    expect([remote.content, remote.channelId]).toEqual(['hello', 'room']);
  });

  test('channelId is ignored once sent; a bad channelId or calleeId → 1', async () => {
    const alice = await online('alice');
    const bob = await online('bob');
    const received = waitForEvent<[RemoteInvitation]>(bob.client, 'RemoteInvitationReceived');
    const inv = alice.client.createLocalInvitation('bob');
    inv.channelId = 'bad channel!!'.repeat(10);
    expect(thrown(() => inv.send())).toEqual(ARG);
    expect(inv.state).toBe('IDLE');
    inv.channelId = 'first';
    inv.send();
    inv.channelId = 'second';
    expect(inv.channelId).toBe('first');
    expect((await received)[0].channelId).toBe('first');

    expect(thrown(() => alice.client.createLocalInvitation('bad id!!'.repeat(10)))).toEqual(ARG);
    expect(thrown(() => alice.client.createLocalInvitation(''))).toEqual(ARG);
    expect(thrown(() => (alice.client as unknown as { createLocalInvitation(x: unknown): unknown }).createLocalInvitation(42))).toEqual(ARG);
    // No login needed to create one.
    expect(party().client.createLocalInvitation('bob').state).toBe('IDLE');
  });
});

// ---- terminal states ------------------------------------------------------------------------------

describe('after a terminal state', () => {
  beforeEach(() => h.start(SERVER));

  test('refuse and cancel crossing on the wire: each side keeps its own ending and ignores the other', async () => {
    const { inv, remote, local, remoteLog } = await invited();
    remote.refuse();
    inv.cancel(); // before the refusal can have arrived
    await sleep(100);
    expect(names(local)).toEqual(['LocalInvitationReceivedByPeer', 'LocalInvitationCanceled']);
    expect(inv.state).toBe('CANCELED');
    expect(names(remoteLog)).toEqual(['RemoteInvitationRefused']);
    expect(remote.state).toBe('REFUSED');
  });

  test('an acceptance that arrives after the caller expired is ignored by the caller', async () => {
    const { alice, inv, remote, local } = await invited();
    alice.clock.advance(T.expireMs);
    expect(inv.state).toBe('FAILURE');
    remote.accept();
    await sleep(100);
    expect(names(local)).toEqual(['LocalInvitationReceivedByPeer', 'LocalInvitationFailure']);
    expect(inv.state).toBe('FAILURE');
    expect(inv.response).toBe('');
  });

  test('a cancel that arrives after the callee expired is ignored by the callee', async () => {
    const { bob, inv, remote, remoteLog } = await invited();
    bob.clock.advance(T.expireMs);
    expect(remote.state).toBe('FAILURE');
    inv.cancel();
    await sleep(100);
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationFailure', args: ['INVITATION_EXPIRE'] }]);
    expect(remote.state).toBe('FAILURE');
  });
});

// ---- legacy end-call ------------------------------------------------------------------------------

describe('legacy end-call message (§8.7)', () => {
  beforeEach(() => h.start(SERVER));

  test('"<END_CALL_PREFIX>_room_bye" cancels the open invitation on that channel, with no MessageFromPeer', async () => {
    const { alice, bob, remote, remoteLog } = await invited('call me', 'room');
    const messages = record(bob.client, ['MessageFromPeer']);
    // An end-call naming another channel, or from someone else, leaves this invitation alone.
    await alice.client.sendMessageToPeer({ text: `${AgoraRTM.END_CALL_PREFIX}_other_x` }, 'bob');
    const carol = await online('carol');
    await carol.client.sendMessageToPeer({ text: `${AgoraRTM.END_CALL_PREFIX}_room_x` }, 'bob');
    await sleep(30);
    expect(remote.state).toBe('INVITATION_RECEIVED');

    const result = await alice.client.sendMessageToPeer({ text: `${AgoraRTM.END_CALL_PREFIX}_room_bye` }, 'bob');
    expect(result).toEqual({ hasPeerReceived: true });
    await until(() => remoteLog.length === 1, 2000, 'RemoteInvitationCanceled');
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationCanceled', args: ['bye'] }]);
    expect(remote.state).toBe('CANCELED');
    expect(remote.content).toBe('bye');
    // A normal message afterwards does arrive, so the silence above is not a broken link.
    await alice.client.sendMessageToPeer({ text: 'plain' }, 'bob');
    await until(() => messages.length === 1, 2000, 'the plain message');
    expect(messages.map((e) => (e.args[0] as { text: string }).text)).toEqual(['plain']);
  });

  test('an empty extra is allowed; a malformed prefixed text → INVALID_MESSAGE (7)', async () => {
    const { alice, remote, remoteLog } = await invited('call me', 'room');
    const P = AgoraRTM.END_CALL_PREFIX;
    for (const text of [P, `${P}room_bye`, `${P}_`, `${P}_bye`, `${P}_${'bad id!!'.repeat(10)}_x`]) {
      let code: number | undefined;
      await alice.client.sendMessageToPeer({ text }, 'bob').catch((e: { code: number }) => (code = e.code));
      expect([text, code]).toEqual([text, 7]);
    }
    expect(remote.state).toBe('INVITATION_RECEIVED');
    await alice.client.sendMessageToPeer({ text: `${P}_room_` }, 'bob');
    await until(() => remoteLog.length === 1, 2000, 'RemoteInvitationCanceled');
    expect(remoteLog).toEqual([{ name: 'RemoteInvitationCanceled', args: [''] }]);
  });
});
