import { DEFAULT_LIMITS, type Limits } from '../../../src/rtm-core/protocol/limits';
import { validateClientFrame, type Validated } from '../../../src/rtm-core/protocol/validate';
import {
  AttributeOperationError, ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError,
  LoginError, PeerMessageError, PeerSubscriptionStatusError, QueryPeersOnlineStatusError, RenewTokenError,
} from '../../../src/rtm-core/protocol/codes';

const limits = DEFAULT_LIMITS as unknown as Limits;
const APP_ID = '0123456789abcdef0123456789abcdef';
const MAX = 32_768;

type F = Record<string, unknown>;
const validate = (f: unknown): Validated => validateClientFrame(f, limits);
const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const text = (t: string) => ({ type: 'TEXT', text: t });
const raw = (n: number, desc = '') => ({ type: 'RAW', raw: new Uint8Array(n), desc });

/** A good frame per request type. */
const GOOD: Record<string, F> = {
  login: { t: 'login', rid: 1, v: 1, appId: APP_ID, uid: 'alice' },
  logout: { t: 'logout', rid: 1 },
  renew: { t: 'renew', rid: 1, token: 'tok' },
  peer: { t: 'peer', rid: 1, to: 'bob', msg: text('hi') },
  join: { t: 'join', rid: 1, ch: 'room' },
  leave: { t: 'leave', rid: 1, ch: 'room' },
  chmsg: { t: 'chmsg', rid: 1, ch: 'room', msg: text('hi') },
  members: { t: 'members', rid: 1, ch: 'room' },
  counts: { t: 'counts', rid: 1, chs: ['a', 'b'] },
  query: { t: 'query', rid: 1, uids: ['a', 'b'] },
  sub: { t: 'sub', rid: 1, uids: ['a'] },
  unsub: { t: 'unsub', rid: 1, uids: ['a'] },
  uattr: { t: 'uattr', rid: 1, change: { op: 'set', attrs: { k: 'v' } } },
  uattrGet: { t: 'uattrGet', rid: 1, uid: 'bob' },
  cattr: { t: 'cattr', rid: 1, ch: 'room', change: { op: 'add', attrs: { k: 'v' } }, notify: false },
  cattrGet: { t: 'cattrGet', rid: 1, ch: 'room', keys: ['k'] },
};

function expectOk(frame: F): void {
  const v = validate(frame);
  if (!v.ok) throw new Error(`expected ${JSON.stringify(frame).slice(0, 200)} to pass, got ${v.msg}`);
  expect(v.frame).toEqual(frame);
}

function expectCode(frame: F, code: number): void {
  const v = validate(frame);
  expect(v.ok).toBe(false);
  if (v.ok) return;
  expect({ rid: v.rid, t: v.rid === undefined ? undefined : v.t, code: v.rid === undefined ? undefined : v.code }).toEqual({ rid: frame.rid, t: frame.t, code });
  expect(typeof v.msg).toBe('string');
}

const withField = (t: string, patch: F): F => ({ ...GOOD[t]!, rid: 7, ...patch });
const without = (t: string, key: string): F => {
  const f: F = { ...GOOD[t]!, rid: 7 };
  delete f[key];
  return f;
};

describe('good frames', () => {
  it.each(Object.keys(GOOD))('%s is accepted', (t) => expectOk(GOOD[t]!));

  it('accepts the optional fields and the limits themselves', () => {
    expectOk({ ...GOOD.login, token: 'x', resume: { sid: 's', ack: 0 } });
    expectOk({ ...GOOD.peer, offline: true });
    expectOk({ ...GOOD.peer, msg: text('a'.repeat(MAX)) });
    expectOk({ ...GOOD.peer, msg: text('é'.repeat(MAX / 2)) });
    expectOk({ ...GOOD.peer, msg: text('😀'.repeat(MAX / 4)) });
    expectOk({ ...GOOD.peer, msg: raw(MAX) });
    expectOk({ ...GOOD.peer, msg: raw(MAX - 2, 'é') });
    expectOk({ ...GOOD.chmsg, msg: text('a'.repeat(MAX)) });
    expectOk({ ...GOOD.chmsg, msg: raw(100, 'desc') });
    expectOk({ ...GOOD.peer, to: 'x'.repeat(64) });
    expectOk({ ...GOOD.join, ch: 'c'.repeat(64) });
    expectOk({ ...GOOD.counts, chs: ids(32) });
    expectOk({ ...GOOD.query, uids: ids(256) });
    expectOk({ ...GOOD.login, rid: 0 });
    expectOk({ ...GOOD.login, rid: Number.MAX_SAFE_INTEGER });
  });

  it('ping and ack are notices without a rid', () => {
    expect(validate({ t: 'ping' })).toEqual({ ok: true, frame: { t: 'ping' } });
    expect(validate({ t: 'ack', seq: 0 })).toEqual({ ok: true, frame: { t: 'ack', seq: 0 } });
    expect(validate({ t: 'ack', seq: 5 })).toEqual({ ok: true, frame: { t: 'ack', seq: 5 } });
  });
});

describe('frame-level failures (no rid to answer)', () => {
  it.each<[string, unknown]>([
    ['unknown t', { t: 'frobnicate', rid: 1 }],
    ['t missing', { rid: 1 }],
    ['t a number', { t: 5, rid: 1 }],
    ['t an inherited property name', { t: 'toString', rid: 1 }],
    ['t __proto__', { t: '__proto__', rid: 1 }],
    ['rid missing', { t: 'logout' }],
    ['rid a string', { t: 'logout', rid: '1' }],
    ['rid negative', { t: 'logout', rid: -1 }],
    ['rid fractional', { t: 'logout', rid: 1.5 }],
    ['rid unsafe', { t: 'logout', rid: 2 ** 60 }],
    ['rid missing on a login', { t: 'login', v: 1, appId: APP_ID, uid: 'alice' }],
    ['ack without seq', { t: 'ack' }],
    ['ack with negative seq', { t: 'ack', seq: -1 }],
    ['ack with fractional seq', { t: 'ack', seq: 0.5 }],
  ])('%s', (_name, frame) => {
    const v = validate(frame);
    expect(v.ok).toBe(false);
    expect(v.ok ? 'ok' : v.rid).toBeUndefined();
  });
});

describe('login → LOGIN_ERR_INVALID_ARGUMENT (3)', () => {
  it.each<[string, F]>([
    ['uid missing', without('login', 'uid')],
    ['uid empty', withField('login', { uid: '' })],
    ['uid "null"', withField('login', { uid: 'null' })],
    ['uid 129 characters (legacy names go up to 128)', withField('login', { uid: 'u'.repeat(129) })],
    ['uid a number', withField('login', { uid: 42 })],
    ['uid with a control character', withField('login', { uid: 'a\u0001b' })],
    ['appId missing', without('login', 'appId')],
    ['appId empty', withField('login', { appId: '' })],
    ['appId with a space (the app registry decides on any visible appId)', withField('login', { appId: `${APP_ID.slice(1)} ` })],
    ['token a number', withField('login', { token: 5 })],
    ['resume not an object', withField('login', { resume: 'sid' })],
    ['resume null', withField('login', { resume: null })],
    ['resume.sid not a string', withField('login', { resume: { sid: 1, ack: 0 } })],
    ['resume.ack negative', withField('login', { resume: { sid: 's', ack: -1 } })],
    ['resume.ack fractional', withField('login', { resume: { sid: 's', ack: 1.5 } })],
  ])('%s', (_name, frame) => expectCode(frame, LoginError.INVALID_ARGUMENT));
});

describe('renew → RENEW_TOKEN_ERR_INVALID_ARGUMENT (2)', () => {
  it.each<[string, F]>([
    ['token empty', withField('renew', { token: '' })],
    ['token missing', without('renew', 'token')],
    ['token a number', withField('renew', { token: 123 })],
  ])('%s', (_name, frame) => expectCode(frame, RenewTokenError.INVALID_ARGUMENT));
});

describe('peer', () => {
  it.each<[string, F]>([
    ['to missing', without('peer', 'to')],
    ['to empty', withField('peer', { to: '' })],
    ['to "null"', withField('peer', { to: 'null' })],
    ['to 129 characters', withField('peer', { to: 'x'.repeat(129) })],
    ['to a number', withField('peer', { to: 12345 })],
    ['to with a control character', withField('peer', { to: 'a\u0001b' })],
    ['to invalid and the message oversize', withField('peer', { to: 'null', msg: text('a'.repeat(MAX + 1)) })],
  ])('%s → PEER_MESSAGE_ERR_INVALID_USERID (6)', (_name, frame) => expectCode(frame, PeerMessageError.INVALID_USERID));

  it.each<[string, F]>([
    ['msg missing', without('peer', 'msg')],
    ['msg a string', withField('peer', { msg: 'hi' })],
    ['msg null', withField('peer', { msg: null })],
    ['msg.type unknown', withField('peer', { msg: { type: 'IMAGE', text: 'x' } })],
    ['msg.text not a string', withField('peer', { msg: { type: 'TEXT', text: 5 } })],
    ['text 32 769 ASCII bytes', withField('peer', { msg: text('a'.repeat(MAX + 1)) })],
    ['text 32 770 bytes in 16 385 characters', withField('peer', { msg: text('é'.repeat(MAX / 2 + 1)) })],
    ['text one 4-byte character over', withField('peer', { msg: text(`${'a'.repeat(MAX - 3)}😀`) })],
    ['raw not bytes', withField('peer', { msg: { type: 'RAW', raw: [1, 2, 3], desc: '' } })],
    ['raw desc missing', withField('peer', { msg: { type: 'RAW', raw: new Uint8Array(1) } })],
    ['raw 32 769 bytes', withField('peer', { msg: raw(MAX + 1) })],
    ['raw + description over 32 768 bytes', withField('peer', { msg: raw(MAX - 1, 'é') })],
    ['offline not a boolean', withField('peer', { offline: 'yes' })],
  ])('%s → PEER_MESSAGE_ERR_INVALID_MESSAGE (7)', (_name, frame) => expectCode(frame, PeerMessageError.INVALID_MESSAGE));
});

describe('chmsg → CHANNEL_MESSAGE_ERR_INVALID_MESSAGE (4)', () => {
  it.each<[string, F]>([
    ['text over 32 768 bytes', withField('chmsg', { msg: text('a'.repeat(MAX + 1)) })],
    ['multi-byte text over 32 768 bytes', withField('chmsg', { msg: text('用'.repeat(MAX / 3 + 1)) })],
    ['raw over 32 768 bytes', withField('chmsg', { msg: raw(MAX, 'd') })],
    ['msg missing', without('chmsg', 'msg')],
    ['msg.type unknown', withField('chmsg', { msg: { type: 'FILE' } })],
    ['channel id invalid', withField('chmsg', { ch: 'null' })],
  ])('%s', (_name, frame) => expectCode(frame, ChannelMessageError.INVALID_MESSAGE));
});

describe('channel ids', () => {
  const badChannels: [string, unknown][] = [
    ['missing', undefined],
    ['empty', ''],
    ['"null"', 'null'],
    ['129 characters', 'c'.repeat(129)],
    ['a number', 7],
    ['a control character', 'salle\u0007'],
  ];
  const asFrame = (t: string, ch: unknown): F => (ch === undefined ? without(t, 'ch') : withField(t, { ch }));

  it.each(badChannels)('join with channel id %s → JOIN_CHANNEL_ERR_INVALID_ARGUMENT (3)', (_n, ch) =>
    expectCode(asFrame('join', ch), JoinChannelError.INVALID_ARGUMENT));
  it.each(badChannels)('leave with channel id %s → LEAVE_CHANNEL_ERR_FAILURE (1)', (_n, ch) =>
    expectCode(asFrame('leave', ch), LeaveChannelError.FAILURE));
  it.each(badChannels)('members with channel id %s → GET_MEMBERS_ERR_FAILURE (1)', (_n, ch) =>
    expectCode(asFrame('members', ch), GetMembersError.FAILURE));
});

describe('id lists', () => {
  it.each<[string, F]>([
    ['33 ids', withField('counts', { chs: ids(33) })],
    ['no ids', withField('counts', { chs: [] })],
    ['not an array', withField('counts', { chs: 'room' })],
    ['a bad id', withField('counts', { chs: ['ok', 'null'] })],
    ['a number among them', withField('counts', { chs: ['ok', 1] })],
  ])('counts with %s → GET_CHANNEL_MEMBER_COUNT_ERR_INVALID_ARGUMENT (2)', (_n, frame) =>
    expectCode(frame, GetChannelMemberCountError.INVALID_ARGUMENT));

  it.each<[string, F]>([
    ['257 ids', withField('query', { uids: ids(257) })],
    ['no ids', withField('query', { uids: [] })],
    ['missing', without('query', 'uids')],
    ['a bad id', withField('query', { uids: ['a', 'x'.repeat(129)] })],
  ])('query with %s → QUERY_PEERS_ONLINE_STATUS_ERR_INVALID_ARGUMENT (2)', (_n, frame) =>
    expectCode(frame, QueryPeersOnlineStatusError.INVALID_ARGUMENT));

  it.each<[string, string, F]>([
    ['sub', 'no ids', withField('sub', { uids: [] })],
    ['sub', 'a bad id', withField('sub', { uids: ['a', 'null'] })],
    ['sub', 'not an array', withField('sub', { uids: { a: 1 } })],
    ['unsub', 'no ids', withField('unsub', { uids: [] })],
    ['unsub', 'a bad id', withField('unsub', { uids: [3] })],
  ])('%s with %s → PEER_SUBSCRIPTION_STATUS_ERR_INVALID_ARGUMENT (2)', (_t, _n, frame) =>
    expectCode(frame, PeerSubscriptionStatusError.INVALID_ARGUMENT));

  it('sub leaves the 512 total to the server, which counts distinct peers (OVERFLOW 6, not 2)', () => {
    // rtm-1x.md §3.2: existing + new, deduplicated, ≤ 512, else OVERFLOW. 600 entries naming 300
    // peers are a valid subscription; the total is checked against the session's subscriptions.
    expectOk({ ...GOOD.sub, uids: [...ids(300), ...ids(300)] });
  });
});

describe('attributes', () => {
  it.each<[string, F]>([
    ['user attribute key with a space', withField('uattr', { change: { op: 'set', attrs: { 'a b': 'v' } } })],
    ['user attribute with an empty value', withField('uattr', { change: { op: 'set', attrs: { k: '' } } })],
    ['unknown change op', withField('uattr', { change: { op: 'merge' } })],
    ['uattrGet with a bad uid', withField('uattrGet', { uid: 'null' })],
    ['cattr with a bad channel', withField('cattr', { ch: '' })],
    ['cattrGet with no keys', withField('cattrGet', { keys: [] })],
  ])('%s → ATTRIBUTE_OPERATION_ERR_INVALID_ARGUMENT (3)', (_n, frame) => expectCode(frame, AttributeOperationError.INVALID_ARGUMENT));

  it.each<[string, F]>([
    ['33 user attributes', withField('uattr', { change: { op: 'set', attrs: Object.fromEntries(ids(33, 'k').map((k) => [k, 'v'])) } })],
    ['a value over 8 192 bytes', withField('uattr', { change: { op: 'add', attrs: { k: 'v'.repeat(8193) } } })],
    ['a user attribute key over 32 bytes', withField('uattr', { change: { op: 'set', attrs: { ['k'.repeat(33)]: 'v' } } })],
    ['a channel attribute key over 128 characters (legacy names go up to 128: legacy/1)', withField('cattr', { change: { op: 'set', attrs: { ['k'.repeat(129)]: 'v' } } })],
  ])('%s → ATTRIBUTE_OPERATION_ERR_SIZE_OVERFLOW (4)', (_n, frame) => expectCode(frame, AttributeOperationError.SIZE_OVERFLOW));
});

it('never throws, whatever it is given', () => {
  const junk: unknown[] = [{}, { t: 'peer', rid: 1, to: 'b', msg: { type: 'RAW', raw: null } }, { t: 'login', rid: 1, resume: [] }, { t: 'counts', rid: 1, chs: [null] }];
  for (const j of junk) expect(() => validate(j)).not.toThrow();
});
