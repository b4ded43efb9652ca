/**
 * Bad input over real sockets: whatever one connection sends, it gets a typed answer (or is closed),
 * and nobody else notices.
 */

import type { RtmClient } from '../../src/rtm';
import {
  ChannelMessageError, GetChannelMemberCountError, JoinChannelError, LoginError, LogoutError, PeerMessageError,
  PeerSubscriptionStatusError, ProtocolError, QueryPeersOnlineStatusError, RenewTokenError,
} from '../../src/rtm-core/protocol/codes';
import type { ServerOptions } from '../../src/server';
import { APP_ID, Harness, type RawSocket, record, sleep, until } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

type Frame = Record<string, unknown>;
const loginFrame = (rid: number, uid: string, extra: Frame = {}): Frame => ({ t: 'login', rid, v: 1, appId: APP_ID, uid, ...extra });

async function rawLogin(s: RawSocket, uid: string, rid = 1): Promise<Frame> {
  s.send(loginFrame(rid, uid));
  const res = await s.next((f) => f.t === 'res' && f.rid === rid);
  expect(res).toMatchObject({ ok: true, data: { resumed: false } });
  expect(typeof (res.data as { sid: unknown }).sid).toBe('string');
  return res;
}

/** Sends a request and resolves with its `res`. */
async function request(s: RawSocket, frame: Frame): Promise<Frame> {
  s.send(frame);
  return s.next((f) => f.t === 'res' && f.rid === frame.rid);
}

async function start(options: ServerOptions = {}): Promise<void> {
  await h.start(options);
}

/** Counts every peer message `to` receives, by sender. */
function inbox(to: RtmClient): Map<string, string[]> {
  const got = new Map<string, string[]>();
  to.on('MessageFromPeer', (msg, from) => {
    const list = got.get(from) ?? [];
    list.push((msg as { text: string }).text);
    got.set(from, list);
  });
  return got;
}

/** alice and bob exchange `n` messages each way; every one must arrive, in order, acknowledged. */
async function exchange(alice: RtmClient, bob: RtmClient, n: number, tag: string): Promise<void> {
  const atBob = inbox(bob);
  const atAlice = inbox(alice);
  const send = async (from: RtmClient, to: string, who: string) => {
    for (let i = 0; i < n; i++) {
      const r = await from.sendMessageToPeer({ text: `${tag}:${who}:${i}` }, to);
      expect(r).toEqual({ hasPeerReceived: true });
    }
  };
  await Promise.all([send(alice, 'bob', 'a'), send(bob, 'alice', 'b')]);
  const expected = (who: string) => Array.from({ length: n }, (_, i) => `${tag}:${who}:${i}`);
  await until(() => (atBob.get('alice')?.length ?? 0) >= n && (atAlice.get('bob')?.length ?? 0) >= n, 5000, 'all messages delivered');
  await sleep(20); // nothing extra (duplicates) trails in
  expect(atBob.get('alice')).toEqual(expected('a'));
  expect(atAlice.get('bob')).toEqual(expected('b'));
  bob.removeAllListeners('MessageFromPeer');
  alice.removeAllListeners('MessageFromPeer');
}

describe('frames that are not requests → error frame BAD_FRAME (1), connection stays usable', () => {
  const cases: [string, string | Buffer | Frame][] = [
    ['garbage text', 'this is not json {'],
    ['empty text', ''],
    ['binary garbage', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe])],
    ['binary with the marker but a header that overruns', Buffer.from([0xb1, 0, 0, 0, 0, 99, 0x7b])],
    ['valid JSON, a number', '42'],
    ['valid JSON, an array', '[{"t":"login"}]'],
    ['valid JSON, null', 'null'],
    ['unknown type', { t: 'explode', rid: 9 }],
    ['no type', { rid: 9, uid: 'x' }],
    ['request without rid', { t: 'join', ch: 'room' }],
    ['login without rid', { t: 'login', v: 1, appId: APP_ID, uid: 'zed' }],
    ['request with a string rid', { t: 'logout', rid: '3' }],
    ['ack with a bad seq', { t: 'ack', seq: 'x' }],
  ];

  it.each(cases)('%s', async (_name, data) => {
    await start();
    const s = await h.raw();
    s.send(data);
    const err = await s.next((f) => f.t === 'error');
    expect(err).toEqual({ t: 'error', code: ProtocolError.BAD_FRAME, msg: expect.any(String) as string });
    await rawLogin(s, 'zed', 5);
    expect(s.frames.filter((f) => f.t === 'res' || f.t === 'error')).toEqual([]);
    expect(s.closed).toBeUndefined();
  });
});

describe('requests with a rid but bad fields → res ok:false with the official code', () => {
  it('answers each with its API code, and the session keeps working', async () => {
    await start();
    const s = await h.raw();
    await rawLogin(s, 'carol');
    const cases: [Frame, number][] = [
      [{ t: 'peer', rid: 10, to: 123, msg: { type: 'TEXT', text: 'x' } }, PeerMessageError.INVALID_USERID],
      [{ t: 'peer', rid: 11, to: 'null', msg: { type: 'TEXT', text: 'x' } }, PeerMessageError.INVALID_USERID],
      [{ t: 'peer', rid: 12, to: 'bob', msg: { type: 'TEXT', text: 42 } }, PeerMessageError.INVALID_MESSAGE],
      [{ t: 'peer', rid: 13, to: 'bob', msg: { type: 'TEXT', text: 'a'.repeat(32_769) } }, PeerMessageError.INVALID_MESSAGE],
      [{ t: 'chmsg', rid: 14, ch: 'room', msg: { type: 'TEXT', text: 'a'.repeat(32_769) } }, ChannelMessageError.INVALID_MESSAGE],
      [{ t: 'join', rid: 15, ch: 5 }, JoinChannelError.INVALID_ARGUMENT],
      [{ t: 'join', rid: 16, ch: 'c'.repeat(129) }, JoinChannelError.INVALID_ARGUMENT], // legacy names go up to 128
      [{ t: 'query', rid: 17, uids: 'alice' }, QueryPeersOnlineStatusError.INVALID_ARGUMENT],
      [{ t: 'query', rid: 18, uids: Array.from({ length: 257 }, (_, i) => `u${i}`) }, QueryPeersOnlineStatusError.INVALID_ARGUMENT],
      [{ t: 'counts', rid: 19, chs: Array.from({ length: 33 }, (_, i) => `c${i}`) }, GetChannelMemberCountError.INVALID_ARGUMENT],
      [{ t: 'renew', rid: 20, token: '' }, RenewTokenError.INVALID_ARGUMENT],
      [{ t: 'renew', rid: 21, token: 7 }, RenewTokenError.INVALID_ARGUMENT],
      [{ t: 'sub', rid: 22, uids: [] }, PeerSubscriptionStatusError.INVALID_ARGUMENT],
    ];
    for (const [frame, code] of cases) {
      const res = await request(s, frame);
      expect([frame.t, frame.rid, res]).toEqual([frame.t, frame.rid, { t: 'res', rid: frame.rid, ok: false, code, msg: expect.any(String) as string }]);
    }
    // Still logged in and served.
    const ok = await request(s, { t: 'query', rid: 30, uids: ['carol', 'nobody'] });
    expect(ok).toEqual({ t: 'res', rid: 30, ok: true, data: { online: { carol: true, nobody: false } } });
    const joined = await request(s, { t: 'join', rid: 31, ch: 'room' });
    expect(joined).toMatchObject({ ok: true, data: { count: 1 } });
    expect(s.frames.filter((f) => f.t === 'error')).toEqual([]);
    expect(s.closed).toBeUndefined();
  });

  it('a login with a bad uid → LOGIN_ERR_INVALID_ARGUMENT (3), then a good login works', async () => {
    await start();
    const s = await h.raw();
    expect(await request(s, loginFrame(1, 'null'))).toMatchObject({ ok: false, code: LoginError.INVALID_ARGUMENT });
    expect(await request(s, { ...loginFrame(2, 'x'), uid: 99 })).toMatchObject({ ok: false, code: LoginError.INVALID_ARGUMENT });
    await rawLogin(s, 'dave', 3);
  });

  it('sub: 600 entries naming 300 peers succeed; 513 distinct peers → OVERFLOW (6)', async () => {
    await start();
    const s = await h.raw();
    await rawLogin(s, 'erin');
    const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const dup = await request(s, { t: 'sub', rid: 2, uids: [...ids(300, 'p'), ...ids(300, 'p')] });
    expect(dup).toMatchObject({ ok: true });
    expect(Object.keys((dup.data as { states: object }).states)).toHaveLength(300);
    const over = await request(s, { t: 'sub', rid: 3, uids: ids(213, 'q') });
    expect(over).toMatchObject({ ok: false, code: PeerSubscriptionStatusError.OVERFLOW });
    expect(await request(s, { t: 'sub', rid: 4, uids: ids(212, 'q') })).toMatchObject({ ok: true });
  });
});

describe('session rules', () => {
  it('a request before login → USER_NOT_LOGGED_IN (102), and login still works', async () => {
    await start();
    const s = await h.raw();
    const before: Frame[] = [
      { t: 'join', rid: 1, ch: 'room' },
      { t: 'peer', rid: 2, to: 'bob', msg: { type: 'TEXT', text: 'hi' } },
      { t: 'query', rid: 3, uids: ['bob'] },
      { t: 'renew', rid: 4, token: 'tok' },
      { t: 'counts', rid: 5, chs: ['room'] },
      { t: 'members', rid: 6, ch: 'room' },
      { t: 'logout', rid: 7 },
    ];
    for (const f of before) {
      expect(await request(s, f)).toEqual({ t: 'res', rid: f.rid, ok: false, code: LogoutError.USER_NOT_LOGGED_IN, msg: expect.any(String) as string });
    }
    await rawLogin(s, 'frank', 8);
    expect(await request(s, { t: 'join', rid: 9, ch: 'room' })).toMatchObject({ ok: true });
  });

  it('a login with another protocol version → ok:false, LOGIN_ERR_REJECTED (2)', async () => {
    await start({ rates: { login: { limit: 10, windowMs: 1000 } } });
    const s = await h.raw();
    expect(await request(s, loginFrame(1, 'gina', { v: 2 }))).toEqual({ t: 'res', rid: 1, ok: false, code: LoginError.REJECTED, msg: expect.any(String) as string });
    expect(await request(s, loginFrame(2, 'gina', { v: 0 }))).toMatchObject({ ok: false, code: LoginError.REJECTED });
    expect(await request(s, loginFrame(3, 'gina', { v: '1' }))).toMatchObject({ ok: false, code: LoginError.REJECTED });
    const noV = loginFrame(4, 'gina');
    delete noV.v;
    expect(await request(s, noV)).toMatchObject({ ok: false, code: LoginError.REJECTED });
    await rawLogin(s, 'gina', 5);
  });
});

describe('oversize and invalid frames close only the offending connection', () => {
  it('a frame over maxFrameBytes closes that connection with 1009; one at the limit does not', async () => {
    const max = 4096;
    await start({ maxFrameBytes: max });
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const stateChanges = [record(alice, ['ConnectionStateChanged']), record(bob, ['ConnectionStateChanged'])];
    const s = await h.raw();
    await rawLogin(s, 'mallory');

    s.send('x'.repeat(max)); // exactly at the limit: a bad frame, answered, not fatal
    expect(await s.next((f) => f.t === 'error')).toMatchObject({ code: ProtocolError.BAD_FRAME });
    expect(s.closed).toBeUndefined();

    s.send(JSON.stringify({ t: 'peer', rid: 2, to: 'bob', msg: { type: 'TEXT', text: 'z'.repeat(max) } }));
    expect((await s.waitClosed()).code).toBe(1009);

    const other = await h.raw();
    other.send(Buffer.alloc(max + 1, 0xb1));
    expect((await other.waitClosed()).code).toBe(1009);

    await exchange(alice, bob, 20, 'after-oversize');
    expect(stateChanges).toEqual([[], []]);
  });

  it('a text frame with invalid UTF-8 closes that connection with 1007, without affecting others', async () => {
    await start();
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const stateChanges = [record(alice, ['ConnectionStateChanged']), record(bob, ['ConnectionStateChanged'])];
    const s = await h.raw();
    await rawLogin(s, 'mallory');
    s.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    expect((await s.waitClosed()).code).toBe(1007);
    await exchange(alice, bob, 20, 'after-utf8');
    expect(stateChanges).toEqual([[], []]);
  });
});

describe('maxBadFrames', () => {
  it('tolerates maxBadFrames bad frames; the next gets TOO_MANY_ERRORS (4) and close 4002', async () => {
    await start({ maxBadFrames: 3 });
    const s = await h.raw();
    await rawLogin(s, 'henry');
    s.send('garbage');
    s.send(Buffer.from([1, 2, 3]));
    s.send({ t: 'join', rid: 2, ch: 'null' }); // a bad request counts too
    expect(await s.next((f) => f.t === 'res' && f.rid === 2)).toMatchObject({ ok: false, code: JoinChannelError.INVALID_ARGUMENT });
    s.send({ t: 'ping' });
    await s.next((f) => f.t === 'pong');
    expect(s.frames.filter((f) => f.t === 'error').map((f) => f.code)).toEqual([1, 1]);
    expect(s.closed).toBeUndefined();
    expect(await request(s, { t: 'query', rid: 3, uids: ['henry'] })).toMatchObject({ ok: true });

    s.send('{"t":"one too many"}');
    const closed = await s.waitClosed();
    expect(closed.code).toBe(4002);
    const errors = s.frames.filter((f) => f.t === 'error').map((f) => f.code);
    expect(errors).toEqual([ProtocolError.BAD_FRAME, ProtocolError.BAD_FRAME, ProtocolError.BAD_FRAME, ProtocolError.TOO_MANY_ERRORS]);
  });

  it('counts per connection: another connection starts from zero', async () => {
    await start({ maxBadFrames: 2 });
    const a = await h.raw();
    const b = await h.raw();
    a.send('x');
    a.send('x');
    b.send('x');
    b.send('x');
    await a.next((f) => f.t === 'error');
    await a.next((f) => f.t === 'error');
    await b.next((f) => f.t === 'error');
    await b.next((f) => f.t === 'error');
    a.send('x');
    expect((await a.waitClosed()).code).toBe(4002);
    await rawLogin(b, 'ivy');
    expect(b.closed).toBeUndefined();
  });
});

describe('a garbage flood does not disturb other clients', () => {
  it('two clients exchange peer messages with nothing lost while a raw socket floods garbage', async () => {
    await start({ maxBadFrames: Number.MAX_SAFE_INTEGER });
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const flooder = await h.raw();
    const junk: (string | Buffer)[] = [
      'not json', '[]', '{"t":"nope","rid":1}', '{"t":"join","ch":"x"}', Buffer.from([0xb1, 1, 0, 0, 0, 2, 0x7b, 0x7d]),
      Buffer.from([9, 9, 9]), '{"t":"peer","rid":2,"to":"bob","msg":{"type":"TEXT","text":"before login"}}',
    ];
    let sent = 0;
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        for (let i = 0; i < 20; i++) flooder.send(junk[sent++ % junk.length]!);
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      await exchange(alice, bob, 100, 'flood');
    } finally {
      flooding = false;
      await flood;
    }
    expect(sent).toBeGreaterThan(500);
    // The flooder was served too: it is still open and got its answers.
    await until(() => flooder.frames.length > 200, 3000, 'flooder answered');
    expect(flooder.closed).toBeUndefined();
    expect(flooder.frames.every((f) => f.t === 'error' || (f.t === 'res' && f.code === 102))).toBe(true);
  });
});
