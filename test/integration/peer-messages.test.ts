/**
 * Peer-to-peer messages (rtm-1x.md §3.2 sendMessageToPeer, §6.2 sizes, §8.4 delivery): TEXT and RAW
 * both ways, size limits counted in UTF-8 bytes, error codes, per-sender order, and the ≤1.4 offline
 * message cache (count cap, TTL, opt-in per message, server switch).
 */

import { ManualClock } from '../../src/rtm-core/clock';
import { encodeFrame } from '../../src/rtm-core/protocol/codec';
import { PROTOCOL_VERSION } from '../../src/rtm-core/protocol/frames';
import type { RtmClient, RtmMessage, ReceivedMessageProperties } from '../../src/rtm';
import { APP_ID, Harness, record, until, waitForEvent, type RawSocket } from '../helpers/harness';

const h = new Harness();
afterEach(() => h.stop());

type PeerArgs = [RtmMessage, string, ReceivedMessageProperties];

/** Every byte value, in an order that a transcoding bug would disturb. */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 151 + 7) % 256;
  return out;
}

function peerLog(client: RtmClient): { msg: RtmMessage; from: string; props: ReceivedMessageProperties }[] {
  const log: { msg: RtmMessage; from: string; props: ReceivedMessageProperties }[] = [];
  client.on('MessageFromPeer', (msg, from, props) => log.push({ msg, from, props }));
  return log;
}

function textOf(m: RtmMessage): string {
  return (m as { text: string }).text;
}

async function rawLogin(uid: string): Promise<RawSocket> {
  const r = await h.raw();
  r.send({ t: 'login', rid: 1, v: PROTOCOL_VERSION, appId: APP_ID, uid });
  const res = await r.next((f) => f.t === 'res' && f.rid === 1);
  expect(res.ok).toBe(true);
  return r;
}

/** Sends a (possibly binary) frame from a raw socket and returns its `res`. */
async function rawRequest(r: RawSocket, frame: Parameters<typeof encodeFrame>[0] & { rid: number }): Promise<Record<string, unknown>> {
  const data = encodeFrame(frame);
  r.send(typeof data === 'string' ? data : Buffer.from(data));
  return r.next((f) => f.t === 'res' && f.rid === frame.rid);
}

describe('delivery', () => {
  test('TEXT messages travel both ways with sender id and serverReceivedTs', async () => {
    await h.start();
    const alice = await h.login('alice');
    const bob = await h.login('bob');

    const toBob = waitForEvent<PeerArgs>(bob, 'MessageFromPeer');
    const before = Date.now();
    await expect(alice.sendMessageToPeer({ text: 'hello bob' }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    const [m1, from1, props1] = await toBob;
    expect(m1).toEqual({ text: 'hello bob', messageType: 'TEXT' });
    expect(from1).toBe('alice');
    expect(props1.serverReceivedTs).toBeGreaterThanOrEqual(before - 1000);
    expect(props1.serverReceivedTs).toBeLessThanOrEqual(Date.now() + 1000);
    expect(props1.isOfflineMessage).toBeFalsy();

    const toAlice = waitForEvent<PeerArgs>(alice, 'MessageFromPeer');
    await expect(bob.sendMessageToPeer({ text: 'hi alice ✓', messageType: 'TEXT' }, 'alice')).resolves.toEqual({ hasPeerReceived: true });
    const [m2, from2] = await toAlice;
    expect(m2).toEqual({ text: 'hi alice ✓', messageType: 'TEXT' });
    expect(from2).toBe('bob');
  });

  test('RAW messages arrive byte-identical as a Uint8Array, with their description, both ways', async () => {
    await h.start();
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const bytes = pattern(1000);

    const toBob = waitForEvent<PeerArgs>(bob, 'MessageFromPeer');
    await expect(alice.sendMessageToPeer({ rawMessage: bytes, description: 'a picture ✓' }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    const [m1, from1] = await toBob;
    expect(from1).toBe('alice');
    const raw1 = m1 as { rawMessage: Uint8Array; description: string; messageType: string };
    expect(raw1.messageType).toBe('RAW');
    expect(raw1.description).toBe('a picture ✓');
    expect(raw1.rawMessage).toBeInstanceOf(Uint8Array);
    expect(raw1.rawMessage.length).toBe(1000);
    expect(Buffer.from(raw1.rawMessage).equals(Buffer.from(bytes))).toBe(true);

    const back = new Uint8Array([0, 255, 0, 1, 128, 127]);
    const toAlice = waitForEvent<PeerArgs>(alice, 'MessageFromPeer');
    await expect(bob.sendMessageToPeer({ rawMessage: back, messageType: 'RAW' }, 'alice')).resolves.toEqual({ hasPeerReceived: true });
    const [m2, from2] = await toAlice;
    expect(from2).toBe('bob');
    const raw2 = m2 as { rawMessage: Uint8Array; description: string; messageType: string };
    expect(raw2.messageType).toBe('RAW');
    expect(raw2.description).toBe('');
    expect(raw2.rawMessage).toBeInstanceOf(Uint8Array);
    expect([...raw2.rawMessage]).toEqual([...back]);
  });

  test('a message to a peer who is not logged in resolves with hasPeerReceived false', async () => {
    await h.start();
    const alice = await h.login('alice');
    await expect(alice.sendMessageToPeer({ text: 'anyone?' }, 'nobody')).resolves.toEqual({ hasPeerReceived: false });
    await expect(alice.sendMessageToPeer({ rawMessage: new Uint8Array([1]) }, 'nobody')).resolves.toEqual({ hasPeerReceived: false });
  });

  test('500 rapid messages from one sender arrive once each, in order', async () => {
    await h.start({ rates: { send: { limit: 10_000, windowMs: 3000 } } });
    // The client itself allows 180 sends per rolling 3 s; its own clock lets the test pass that window.
    const clock = new ManualClock();
    const alice = await h.login('alice', { clock });
    const bob = await h.login('bob');
    const got = peerLog(bob);

    const results: { hasPeerReceived: boolean }[] = [];
    let n = 0;
    for (const batch of [180, 180, 140]) {
      const sends: Promise<{ hasPeerReceived: boolean }>[] = [];
      for (let i = 0; i < batch; i++) sends.push(alice.sendMessageToPeer({ text: `m${n++}` }, 'bob'));
      results.push(...(await Promise.all(sends)));
      clock.advance(3000);
    }
    expect(results).toHaveLength(500);
    expect(results.every((r) => r.hasPeerReceived)).toBe(true);

    await alice.sendMessageToPeer({ text: 'end' }, 'bob');
    await until(() => got.some((g) => textOf(g.msg) === 'end'), 3000, 'the end marker');
    const texts = got.map((g) => textOf(g.msg));
    expect(texts).toEqual([...Array.from({ length: 500 }, (_, i) => `m${i}`), 'end']);
    expect(got.every((g) => g.from === 'alice')).toBe(true);
  });
});

describe('sizes and arguments', () => {
  test('TEXT of exactly 32768 UTF-8 bytes is delivered; 32769 bytes is RtmInvalidArgumentError 7', async () => {
    await h.start();
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const got = peerLog(bob);

    const max = 'a'.repeat(32_768);
    await expect(alice.sendMessageToPeer({ text: max }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    await expect(alice.sendMessageToPeer({ text: max + 'a' }, 'bob')).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 7 });
    await until(() => got.length === 1);
    expect(textOf(got[0]!.msg)).toBe(max);
  });

  test('multi-byte characters are counted as UTF-8 bytes, not characters', async () => {
    await h.start();
    const alice = await h.login('alice');
    await h.login('bob');

    const twoByte = 'é'.repeat(16_384); // 16 384 characters, 32 768 bytes
    await expect(alice.sendMessageToPeer({ text: twoByte }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    await expect(alice.sendMessageToPeer({ text: twoByte + 'a' }, 'bob')).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 7 });
    // Well under 32 768 characters, but 32 770 bytes.
    await expect(alice.sendMessageToPeer({ text: 'é'.repeat(16_385) }, 'bob')).rejects.toMatchObject({ code: 7 });

    const fourByte = '😀'.repeat(8192); // 16 384 UTF-16 units, 32 768 bytes
    await expect(alice.sendMessageToPeer({ text: fourByte }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    await expect(alice.sendMessageToPeer({ text: fourByte + 'a' }, 'bob')).rejects.toMatchObject({ code: 7 });
  });

  test('RAW bytes plus description bytes may total 32768, not more', async () => {
    await h.start();
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const got = peerLog(bob);

    await expect(alice.sendMessageToPeer({ rawMessage: pattern(32_768) }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    await expect(alice.sendMessageToPeer({ rawMessage: pattern(32_760), description: '12345678' }, 'bob')).resolves.toEqual({ hasPeerReceived: true });
    await expect(alice.sendMessageToPeer({ rawMessage: pattern(32_769) }, 'bob')).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 7 });
    await expect(alice.sendMessageToPeer({ rawMessage: pattern(32_760), description: '123456789' }, 'bob')).rejects.toMatchObject({ code: 7 });
    // One description character, two bytes: 32 769.
    await expect(alice.sendMessageToPeer({ rawMessage: pattern(32_767), description: 'é' }, 'bob')).rejects.toMatchObject({ code: 7 });

    await until(() => got.length === 2);
    const first = got[0]!.msg as { rawMessage: Uint8Array };
    expect(Buffer.from(first.rawMessage).equals(Buffer.from(pattern(32_768)))).toBe(true);
  });

  test('a message with both text and rawMessage is INVALID_MESSAGE 7', async () => {
    await h.start();
    const alice = await h.login('alice');
    await h.login('bob');
    const both = { text: 'x', rawMessage: new Uint8Array([1]) } as unknown as RtmMessage;
    await expect(alice.sendMessageToPeer(both, 'bob')).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 7 });
    const typed = { messageType: 'TEXT', text: 'x', rawMessage: new Uint8Array([1]) } as unknown as RtmMessage;
    await expect(alice.sendMessageToPeer(typed, 'bob')).rejects.toMatchObject({ code: 7 });
    await expect(alice.sendMessageToPeer({} as RtmMessage, 'bob')).rejects.toMatchObject({ code: 7 });
  });

  test('an invalid peerId is INVALID_USERID 6', async () => {
    await h.start();
    const alice = await h.login('alice');
    for (const bad of ['', 'null', 'a/b', 'x'.repeat(65), 42 as unknown as string]) {
      await expect(alice.sendMessageToPeer({ text: 'x' }, bad)).rejects.toMatchObject({ name: 'RtmInvalidArgumentError', code: 6 });
    }
    // 64 characters is still a valid id.
    await expect(alice.sendMessageToPeer({ text: 'x' }, 'x'.repeat(64))).resolves.toEqual({ hasPeerReceived: false });
  });

  test('sending while not logged in is USER_NOT_LOGGED_IN 102', async () => {
    await h.start();
    const idle = h.client();
    await expect(idle.sendMessageToPeer({ text: 'x' }, 'bob')).rejects.toMatchObject({ name: 'RtmInvalidStatusError', code: 102 });
    const gone = await h.login('carol');
    await gone.logout();
    await expect(gone.sendMessageToPeer({ text: 'x' }, 'bob')).rejects.toMatchObject({ code: 102 });
  });

  test('the server enforces the same rules on a hand-written frame', async () => {
    await h.start();
    const r = await rawLogin('mallory');
    await h.login('bob');
    const text = (rid: number, t: string, to = 'bob') => rawRequest(r, { t: 'peer', rid, to, msg: { type: 'TEXT', text: t } });
    const raw = (rid: number, n: number, desc: string) => rawRequest(r, { t: 'peer', rid, to: 'nobody', msg: { type: 'RAW', raw: pattern(n), desc } });

    expect(await text(10, 'é'.repeat(16_384) + 'a')).toMatchObject({ ok: false, code: 7 });
    expect(await text(11, 'x', 'a\u0001b')).toMatchObject({ ok: false, code: 6 }); // not even a legacy name
    expect(await raw(12, 32_767, 'é')).toMatchObject({ ok: false, code: 7 });
    expect(await raw(13, 32_766, 'é')).toMatchObject({ ok: true, data: { received: false } });
  });
});

describe('offline messages (≤1.4 enableOfflineMessaging)', () => {
  test('cached for an offline receiver and delivered in order at its next login, marked isOfflineMessage', async () => {
    await h.start();
    const alice = await h.login('alice');
    for (const t of ['one', 'two', 'three']) {
      await expect(alice.sendMessageToPeer({ text: t }, 'bob', { enableOfflineMessaging: true })).resolves.toEqual({ hasPeerReceived: false });
    }
    const raw = pattern(10);
    await alice.sendMessageToPeer({ rawMessage: raw, description: 'd' }, 'bob', { enableOfflineMessaging: true });

    const bob = h.client();
    const got = peerLog(bob);
    await bob.login({ uid: 'bob' });
    await until(() => got.length === 4);
    expect(got.slice(0, 3).map((g) => textOf(g.msg))).toEqual(['one', 'two', 'three']);
    const last = got[3]!.msg as { rawMessage: Uint8Array; description: string };
    expect([...last.rawMessage]).toEqual([...raw]);
    expect(last.description).toBe('d');
    for (const g of got) {
      expect(g.from).toBe('alice');
      expect(g.props.isOfflineMessage).toBe(true);
      expect(typeof g.props.serverReceivedTs).toBe('number');
    }

    // Delivered once: a later live message is not an offline one and nothing is replayed.
    await expect(alice.sendMessageToPeer({ text: 'live' }, 'bob', { enableOfflineMessaging: true })).resolves.toEqual({ hasPeerReceived: true });
    await until(() => got.length === 5);
    expect(textOf(got[4]!.msg)).toBe('live');
    expect(got[4]!.props.isOfflineMessage).toBeFalsy();
  });

  test('at most limits.offlineMessagesPerUser are kept per receiver: the oldest are dropped', async () => {
    await h.start({ limits: { offlineMessagesPerUser: 3 } });
    const alice = await h.login('alice');
    const carol = await h.login('carol');
    for (let i = 1; i <= 5; i++) await alice.sendMessageToPeer({ text: `a${i}` }, 'bob', { enableOfflineMessaging: true });
    await carol.sendMessageToPeer({ text: 'c1' }, 'bob', { enableOfflineMessaging: true });

    const bob = h.client();
    const got = peerLog(bob);
    await bob.login({ uid: 'bob' });
    // Barrier: a live message after the cached ones.
    await alice.sendMessageToPeer({ text: 'live' }, 'bob');
    await until(() => got.some((g) => textOf(g.msg) === 'live'));
    expect(got.map((g) => [g.from, textOf(g.msg), g.props.isOfflineMessage === true])).toEqual([
      ['alice', 'a4', true],
      ['alice', 'a5', true],
      ['carol', 'c1', true],
      ['alice', 'live', false],
    ]);
  });

  test('messages older than limits.offlineMessageTtlMs are dropped (ManualClock on the server)', async () => {
    const clock = new ManualClock();
    const ttl = 60_000;
    await h.start({ clock, limits: { offlineMessageTtlMs: ttl } });
    const alice = await h.login('alice');
    await alice.sendMessageToPeer({ text: 'old' }, 'bob', { enableOfflineMessaging: true });
    clock.advance(1);
    await alice.sendMessageToPeer({ text: 'younger' }, 'bob', { enableOfflineMessaging: true });
    clock.advance(ttl - 1); // 'old' is now exactly ttl old, 'younger' ttl - 1

    // (alice's own session has timed out for silence meanwhile; the barrier comes from carol.)
    const bob = h.client();
    const got = peerLog(bob);
    await bob.login({ uid: 'bob' });
    const carol = await h.login('carol');
    await carol.sendMessageToPeer({ text: 'live' }, 'bob');
    await until(() => got.some((g) => textOf(g.msg) === 'live'));
    expect(got.map((g) => textOf(g.msg))).toEqual(['younger', 'live']);
    expect(got[0]!.props.isOfflineMessage).toBe(true);
  });

  test('without enableOfflineMessaging nothing is cached', async () => {
    await h.start();
    const alice = await h.login('alice');
    await expect(alice.sendMessageToPeer({ text: 'lost' }, 'bob')).resolves.toEqual({ hasPeerReceived: false });
    await expect(alice.sendMessageToPeer({ text: 'lost too' }, 'bob', { enableOfflineMessaging: false })).resolves.toEqual({ hasPeerReceived: false });

    const bob = h.client();
    const got = peerLog(bob);
    await bob.login({ uid: 'bob' });
    await alice.sendMessageToPeer({ text: 'live' }, 'bob');
    await until(() => got.length > 0);
    await alice.sendMessageToPeer({ text: 'live 2' }, 'bob');
    await until(() => got.length > 1);
    expect(got.map((g) => textOf(g.msg))).toEqual(['live', 'live 2']);
  });

  test('the server option offlineMessaging: false disables the cache', async () => {
    await h.start({ offlineMessaging: false });
    const alice = await h.login('alice');
    await expect(alice.sendMessageToPeer({ text: 'lost' }, 'bob', { enableOfflineMessaging: true })).resolves.toEqual({ hasPeerReceived: false });

    const bob = h.client();
    const got = peerLog(bob);
    const events = record(bob, ['MessageFromPeer']);
    await bob.login({ uid: 'bob' });
    await alice.sendMessageToPeer({ text: 'live' }, 'bob');
    await until(() => got.length > 0);
    expect(got.map((g) => textOf(g.msg))).toEqual(['live']);
    expect(events).toHaveLength(1);
  });
});
