import { DecodeError, decodeFrame, encodeEvent, encodeFrame, encodePush, type WireData } from '../../../src/rtm-core/protocol/codec';
import type { ClientFrame, PushEvent, ServerFrame } from '../../../src/rtm-core/protocol/frames';

/** Builds a binary frame by hand: marker, block count, header length, header, then the blocks. */
function pack(header: string | Uint8Array, blocks: Uint8Array[], opts: { marker?: number; count?: number; headerLength?: number } = {}): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const parts: number[] = [opts.marker ?? 0xb1, opts.count ?? blocks.length];
  const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  parts.push(...u32(opts.headerLength ?? h.length), ...h);
  for (const b of blocks) parts.push(...u32(b.length), ...b);
  return Uint8Array.from(parts);
}

const bytes = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('text frames', () => {
  const frames: (ClientFrame | ServerFrame)[] = [
    { t: 'login', rid: 1, v: 1, appId: '0123456789abcdef0123456789abcdef', uid: 'alice', token: 'tok', resume: { sid: 's', ack: 4 } },
    { t: 'logout', rid: 2 },
    { t: 'peer', rid: 3, to: 'bob', msg: { type: 'TEXT', text: 'héllo 用户 😀 "quoted" \\ \n' }, offline: true },
    { t: 'chmsg', rid: 4, ch: 'room', msg: { type: 'TEXT', text: '' } },
    { t: 'counts', rid: 5, chs: ['a', 'b'] },
    { t: 'ping' },
    { t: 'ack', seq: 17 },
    { t: 'res', rid: 3, ok: true, data: { received: true } },
    { t: 'res', rid: 4, ok: false, code: 5, msg: 'not in channel' },
    { t: 'push', seq: 9, ev: { e: 'presence', states: { bob: 'UNREACHABLE' } } },
    { t: 'push', seq: 10, ev: { e: 'peer', from: 'bob', msg: { type: 'TEXT', text: 'x' }, ts: 123, offline: true } },
    { t: 'pong' },
    { t: 'kick', reason: 'REMOTE_LOGIN' },
    { t: 'error', code: 1, msg: 'bad' },
  ];

  it.each(frames.map((f) => [f.t, f] as const))('%s round-trips as a JSON text frame', (_t, frame) => {
    const wire = encodeFrame(frame);
    expect(typeof wire).toBe('string');
    expect(JSON.parse(wire as string)).toEqual(frame);
    expect(decodeFrame(wire)).toEqual(frame);
  });
});

describe('RAW messages', () => {
  it('travel as one binary frame and round-trip their bytes exactly', () => {
    const raw = bytes(1000);
    const frame: ClientFrame = { t: 'peer', rid: 8, to: 'bob', msg: { type: 'RAW', raw, desc: 'déscription' } };
    const wire = encodeFrame(frame);
    expect(wire).toBeInstanceOf(Uint8Array);
    const back = decodeFrame(wire) as { msg: { raw: Uint8Array } };
    expect(back).toEqual(frame);
    expect(back.msg.raw).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.msg.raw)).toEqual(Array.from(raw));
  });

  it('costs the raw bytes plus a small header: no base64 inflation', () => {
    const raw = bytes(32 * 1024);
    const wire = encodeFrame({ t: 'chmsg', rid: 1, ch: 'room', msg: { type: 'RAW', raw, desc: '' } });
    expect(wire).toBeInstanceOf(Uint8Array);
    expect(wire.length).toBeGreaterThanOrEqual(32 * 1024);
    expect(wire.length).toBeLessThan(32 * 1024 + 300);

    const pushed = encodePush(1, encodeEvent({ e: 'peer', from: 'alice', msg: { type: 'RAW', raw, desc: '' }, ts: 1 }));
    expect(pushed).toBeInstanceOf(Uint8Array);
    expect(pushed.length).toBeLessThan(32 * 1024 + 300);
  });

  it('round-trips an empty RAW payload', () => {
    const frame: ServerFrame = { t: 'push', seq: 1, ev: { e: 'chmsg', ch: 'c', from: 'a', msg: { type: 'RAW', raw: new Uint8Array(0), desc: '' }, ts: 5 } };
    const wire = encodeFrame(frame);
    expect(wire).toBeInstanceOf(Uint8Array);
    expect(decodeFrame(wire)).toEqual(frame);
  });

  it('decodes blocks into copies that do not alias the frame buffer (Uint8Array and Buffer input)', () => {
    const raw = bytes(64);
    const wire = encodeFrame({ t: 'peer', rid: 1, to: 'bob', msg: { type: 'RAW', raw, desc: '' } }) as Uint8Array;
    for (const input of [Uint8Array.from(wire), Buffer.from(wire)]) {
      const out = (decodeFrame(input) as { msg: { raw: Uint8Array } }).msg.raw;
      expect(out.byteLength).toBe(64);
      expect(out.buffer.byteLength).toBe(64); // holds only its own bytes, not the whole frame
      input.fill(0);
      expect(Array.from(out)).toEqual(Array.from(raw));
    }
  });

  it('accepts a hand-built frame with several blocks referenced in any order', () => {
    const a = bytes(3, 1);
    const b = bytes(5, 2);
    const v = decodeFrame(pack('{"t":"x","second":{"$b":1},"first":{"$b":0}}', [a, b])) as Record<string, Uint8Array>;
    expect(Array.from(v.first!)).toEqual(Array.from(a));
    expect(Array.from(v.second!)).toEqual(Array.from(b));
  });
});

describe('encodePush', () => {
  const events: PushEvent[] = [
    { e: 'peer', from: 'alice', msg: { type: 'TEXT', text: 'hi "there"' }, ts: 1_700_000_000_123 },
    { e: 'peer', from: 'alice', msg: { type: 'RAW', raw: bytes(300), desc: 'd' }, ts: 2, offline: true },
    { e: 'chmsg', ch: 'room', from: 'bob', msg: { type: 'RAW', raw: bytes(10), desc: '' }, ts: 3 },
    { e: 'chmsg', ch: 'room', from: 'bob', msg: { type: 'TEXT', text: '用户' }, ts: 3 },
    { e: 'joined', ch: 'room', uid: 'carol' },
    { e: 'left', ch: 'room', uid: 'carol' },
    { e: 'count', ch: 'room', n: 3 },
    { e: 'presence', states: { a: 'ONLINE', b: 'OFFLINE' } },
    { e: 'tokenWillExpire' },
  ];

  it.each(events.map((ev, i) => [`${ev.e}#${i}`, ev] as const))('%s: encodePush(seq, encodeEvent(ev)) decodes like encodeFrame({t:"push"})', (_n, ev) => {
    const viaPush: WireData = encodePush(42, encodeEvent(ev));
    const viaFrame: WireData = encodeFrame({ t: 'push', seq: 42, ev });
    expect(typeof viaPush).toBe(typeof viaFrame);
    const decoded = decodeFrame(viaPush);
    expect(decoded).toEqual(decodeFrame(viaFrame));
    expect(decoded).toEqual({ t: 'push', seq: 42, ev });
  });

  it('wraps one encoded event for many receivers, each with its own seq', () => {
    const ev: PushEvent = { e: 'peer', from: 'alice', msg: { type: 'RAW', raw: bytes(50), desc: 'x' }, ts: 9 };
    const encoded = encodeEvent(ev);
    const seqs = [1, 2, 1000];
    for (const seq of seqs) expect(decodeFrame(encodePush(seq, encoded))).toEqual({ t: 'push', seq, ev });
  });
});

describe('malformed frames throw DecodeError', () => {
  const good = encodeFrame({ t: 'peer', rid: 1, to: 'bob', msg: { type: 'RAW', raw: bytes(16), desc: '' } }) as Uint8Array;

  const cases: [string, WireData][] = [
    ['text: not JSON', 'not json'],
    ['text: empty', ''],
    ['text: truncated JSON', '{"t":"ping"'],
    ['text: a number', '42'],
    ['text: a string', '"ping"'],
    ['text: null', 'null'],
    ['text: an array', '[{"t":"ping"}]'],
    ['binary: empty', new Uint8Array(0)],
    ['binary: no marker', Uint8Array.from([0x00, ...good.subarray(1)])],
    ['binary: plain JSON bytes', new TextEncoder().encode('{"t":"ping"}')],
    ['binary: shorter than the fixed header', Uint8Array.from([0xb1, 0, 0, 0, 0])],
    ['binary: header overruns the frame', pack('{"t":"x"}', [], { headerLength: 100 })],
    ['binary: block length field overruns', pack('{"t":"x","r":{"$b":0}}', [], { count: 1 })],
    ['binary: block overruns the frame', good.subarray(0, good.length - 1)],
    ['binary: trailing bytes', Uint8Array.from([...good, 0])],
    ['binary: trailing bytes with no blocks', Uint8Array.from([...pack('{"t":"x"}', []), 1, 2])],
    ['binary: placeholder index out of range', pack('{"t":"x","r":{"$b":1}}', [bytes(2)])],
    ['binary: placeholder with no blocks', pack('{"t":"x","r":{"$b":0}}', [])],
    ['binary: negative placeholder', pack('{"t":"x","r":{"$b":-1}}', [bytes(2)])],
    ['binary: duplicate placeholder', pack('{"t":"x","r":{"$b":0},"s":{"$b":0}}', [bytes(2)])],
    ['binary: unused block', pack('{"t":"x","r":{"$b":0}}', [bytes(2), bytes(3)])],
    ['binary: unused block, no placeholder at all', pack('{"t":"x"}', [bytes(2)])],
    ['binary: non-UTF-8 header', pack(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), [])],
    ['binary: header is not JSON', pack('{"t":', [])],
    ['binary: header is not an object', pack('[1,2]', [])],
  ];

  it.each(cases)('%s', (_name, data) => {
    expect(() => decodeFrame(data)).toThrow(DecodeError);
  });

  it('the well-formed frame the mutations start from decodes', () => {
    expect(() => decodeFrame(good)).not.toThrow();
  });
});
