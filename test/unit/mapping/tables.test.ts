/**
 * The mapping tables, row by row: code maps against the RTM code families and the legacy ecodes,
 * seed rows against the method and callback tables, binding rows against ICallBack, compat rows
 * against the options, and the method and callback tables against the running AgoraAPI / CallBack.
 */

import { AgoraAPI, CallBack } from '../../../src/legacy';
import { CHANNEL_BINDINGS, CLIENT_BINDINGS, LOCAL_INVITATION_BINDINGS, REMOTE_INVITATION_BINDINGS, type Binding } from '../../../src/mapping/bindings';
import { CALLBACKS } from '../../../src/mapping/callbacks';
import * as CodeMaps from '../../../src/mapping/code-maps';
import { COMPAT_ROWS, DEFAULT_COMPAT, RTM_COMPAT, type CompatOptions } from '../../../src/mapping/compat';
import { AgoraECode, type AgoraECodeName } from '../../../src/mapping/legacy-codes';
import { METHODS } from '../../../src/mapping/methods';
import { SEED_NAME_ALIASES, type MappingRow } from '../../../src/mapping/rows';
import { SEED_ROWS } from '../../../src/mapping/seeds';
import { SNIPPETS } from '../../../src/mapping/snippets';
import {
  AttributeOperationError, ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError, LoginError,
  PeerMessageError, QueryPeersOnlineStatusError,
} from '../../../src/rtm-core/protocol/codes';
import { ConnectionChangeReason, LocalInvitationFailureReason } from '../../../src/rtm-core/client/status-codes';

// ---- code maps --------------------------------------------------------------------------------

type MapName = Exclude<keyof typeof CodeMaps, 'legacyCode'>;

interface Family {
  /** The RTM family: name → code (numbers), or name → name (string enums). */
  rtm: Readonly<Record<string, number | string>>;
  /** The legacy ecodes of the family: [first, last]. */
  range: readonly [number, number];
  /** What an RTM timeout becomes when the legacy family has no *_TIMEOUT code. */
  timeoutFallback: AgoraECodeName;
}

/** Every table of code-maps.ts, stated independently of the renderer. */
const FAMILIES: Record<MapName, Family> = {
  loginFailure: { rtm: LoginError, range: [200, 299], timeoutFallback: 'LOGIN_E_NET' },
  logoutReason: { rtm: ConnectionChangeReason, range: [100, 199], timeoutFallback: 'LOGOUT_E_NET' },
  peerMessageFailure: { rtm: PeerMessageError, range: [400, 499], timeoutFallback: 'SENDMESSAGE_E_OTHER' },
  channelMessageFailure: { rtm: ChannelMessageError, range: [400, 499], timeoutFallback: 'SENDMESSAGE_E_OTHER' },
  joinFailure: { rtm: JoinChannelError, range: [300, 399], timeoutFallback: 'JOINCHANNEL_E_OTHER' },
  leaveFailure: { rtm: LeaveChannelError, range: [600, 699], timeoutFallback: 'LEAVECHANNEL_E_OTHER' },
  queryUserNumFailure: { rtm: GetChannelMemberCountError, range: [500, 599], timeoutFallback: 'QUERYUSERNUM_E_OTHER' },
  membersFailure: { rtm: GetMembersError, range: [1000, 1099], timeoutFallback: 'GENERAL_E_FAILED' },
  queryStatusFailure: { rtm: QueryPeersOnlineStatusError, range: [1000, 1099], timeoutFallback: 'GENERAL_E_FAILED' },
  attributeFailure: { rtm: AttributeOperationError, range: [1000, 1099], timeoutFallback: 'GENERAL_E_FAILED' },
  inviteFailure: { rtm: LocalInvitationFailureReason, range: [700, 799], timeoutFallback: 'INVITE_E_OTHER' },
};

const mapNames = Object.keys(FAMILIES) as MapName[];
const mapOf = (name: MapName): Readonly<Record<string, number>> => CodeMaps[name];
const ecodeValues = new Set<number>(Object.values(AgoraECode));
const ecodeName = (v: number): string => Object.entries(AgoraECode).find(([, x]) => x === v)?.[0] ?? `not an AgoraECode (${v})`;
const inRange = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;

/** The legacy *_TIMEOUT code inside a family's range, if the legacy SDK had one. */
function legacyTimeout(range: readonly [number, number]): AgoraECodeName | undefined {
  return (Object.keys(AgoraECode) as AgoraECodeName[]).find((n) => n.endsWith('_TIMEOUT') && inRange(AgoraECode[n], range));
}

const GENERAL = new Set<MapName>(['membersFailure', 'queryStatusFailure', 'attributeFailure']);

/**
 * The legacy code an RTM code must map to, by its name: exact where the meaning is shared, or
 * 'family' where any non-zero code of the family's range will do.
 */
function expected(map: MapName, rtmName: string): AgoraECodeName | 'family' {
  const f = FAMILIES[map];
  if (rtmName === 'OK') return 'SUCCESS';
  // The server has the message: what legacy success meant (methods.ts messageInstantSend, compat sendSuccess).
  if (map === 'peerMessageFailure' && rtmName === 'CACHED_BY_SERVER') return 'SUCCESS';
  // callbacks.ts onChannelJoinFailed: "Every RTM join error is 300".
  if (map === 'joinFailure') return 'JOINCHANNEL_E_OTHER';
  if (/TIMEOUT|NO_RESPONSE|EXPIRE$/.test(rtmName) && rtmName !== 'TOKEN_EXPIRED') return legacyTimeout(f.range) ?? f.timeoutFallback;
  if (/NOT_INITIALIZED|NOT_LOGGED_?IN/.test(rtmName)) {
    if (GENERAL.has(map)) return 'GENERAL_E_NOT_LOGIN';
    if (map === 'inviteFailure') return 'INVITE_E_NET';
    if (map === 'leaveFailure' && rtmName === 'USER_NOT_LOGGED_IN') return 'LEAVECHANNEL_E_LOGOUT';
    return 'family';
  }
  if (GENERAL.has(map) && rtmName === 'INVALID_ARGUMENT') return 'GENERAL_E_WRONG_PARAM';
  if (GENERAL.has(map) && rtmName === 'SIZE_OVERFLOW') return 'GENERAL_E_LARGE_PARAM';
  const exact: Partial<Record<MapName, Record<string, AgoraECodeName>>> = {
    loginFailure: {
      TOKEN_EXPIRED: 'LOGIN_E_TOKENEXPIRED',
      INVALID_TOKEN: 'LOGIN_E_TOKENWRONG',
      INVALID_ARGUMENT: 'LOGIN_E_TOKENWRONG', // from the server: the token was issued for another user
      ALREADY_LOGIN: 'LOGIN_E_ALREADY_LOGIN',
      ABORTED_BY_LOGOUT: 'LOGIN_E_CANCEL',
      REJECTED: 'LOGIN_E_FAILED',
    },
    logoutReason: {
      REMOTE_LOGIN: 'LOGOUT_E_KICKED',
      TOKEN_EXPIRED: 'LOGOUT_E_TOKENEXPIRED',
      LOGOUT: 'LOGOUT_E_USER',
      INTERRUPTED: 'LOGOUT_E_NET',
      LOGIN_FAILURE: 'LOGOUT_E_NET',
    },
    leaveFailure: { KICKED: 'LEAVECHANNEL_E_KICKED' },
    inviteFailure: { PEER_OFFLINE: 'INVITE_E_PEEROFFLINE', UNKNOWN: 'INVITE_E_OTHER' },
  };
  return exact[map]?.[rtmName] ?? 'family';
}

const entries = mapNames.flatMap((map) => Object.entries(FAMILIES[map].rtm).map(([rtmName, code]) => [map, rtmName, code] as const));

describe('code maps', () => {
  test('every table of code-maps.ts is checked here', () => {
    const tables = Object.entries(CodeMaps).filter(([, v]) => typeof v !== 'function').map(([k]) => k);
    expect(tables.sort()).toEqual([...mapNames].sort());
  });

  test.each(mapNames)('%s has an entry for every code of its RTM family, and no other', (map) => {
    const codes = Object.values(FAMILIES[map].rtm).map(String).sort();
    expect(Object.keys(mapOf(map)).sort()).toEqual(codes);
  });

  test.each(mapNames)('%s: every value is an AgoraECode', (map) => {
    for (const [code, v] of Object.entries(mapOf(map))) {
      expect([code, ecodeValues.has(v)]).toEqual([code, true]);
    }
  });

  test.each(entries)('%s: %s (%s)', (map, rtmName, code) => {
    const got = mapOf(map)[String(code)];
    expect(got).toBeDefined();
    const want = expected(map, rtmName);
    if (want === 'family') {
      expect({ rtmName, got: ecodeName(got!), inFamily: inRange(got!, FAMILIES[map].range) }).toEqual({ rtmName, got: ecodeName(got!), inFamily: true });
    } else {
      expect(`${rtmName} → ${ecodeName(got!)}`).toBe(`${rtmName} → ${want}`);
    }
  });

  test('the semantics the callbacks table states', () => {
    expect(CodeMaps.loginFailure[LoginError.OK]).toBe(0);
    expect(CodeMaps.loginFailure[LoginError.TOKEN_EXPIRED]).toBe(204);
    expect(CodeMaps.loginFailure[LoginError.INVALID_TOKEN]).toBe(206);
    expect(CodeMaps.loginFailure[LoginError.TIMEOUT]).toBe(201);
    expect(CodeMaps.logoutReason.REMOTE_LOGIN).toBe(103);
    expect(CodeMaps.logoutReason.TOKEN_EXPIRED).toBe(105);
    expect(CodeMaps.peerMessageFailure[PeerMessageError.TIMEOUT]).toBe(401);
    expect(CodeMaps.channelMessageFailure[ChannelMessageError.TIMEOUT]).toBe(401);
    expect(CodeMaps.queryUserNumFailure[GetChannelMemberCountError.TIMEOUT]).toBe(501);
    expect(CodeMaps.inviteFailure.PEER_OFFLINE).toBe(703);
    expect(CodeMaps.inviteFailure.PEER_NO_RESPONSE).toBe(704);
    expect(CodeMaps.inviteFailure.INVITATION_EXPIRE).toBe(704);
  });

  test('legacyCode falls back for a code outside the table', () => {
    expect(CodeMaps.legacyCode(CodeMaps.loginFailure, 6, AgoraECode.LOGIN_E_OTHER)).toBe(204);
    expect(CodeMaps.legacyCode(CodeMaps.loginFailure, 999, AgoraECode.LOGIN_E_OTHER)).toBe(200);
    expect(CodeMaps.legacyCode(CodeMaps.inviteFailure, 'SOMETHING_NEW', AgoraECode.INVITE_E_OTHER)).toBe(700);
  });
});

// ---- seed rows --------------------------------------------------------------------------------

const resolve = (name: string): readonly string[] => SEED_NAME_ALIASES[name] ?? [name];
const hasRow = (name: string): boolean => Object.hasOwn(METHODS, name) || Object.hasOwn(CALLBACKS, name);
const seedMentions = SEED_ROWS.flatMap((r) => r.legacy.map((name) => [r.id, name] as const));

describe('seed rows', () => {
  test('ids are unique', () => {
    expect(new Set(SEED_ROWS.map((r) => r.id)).size).toBe(SEED_ROWS.length);
  });

  test.each(seedMentions)('%s: %s has a METHODS or CALLBACKS row', (_id, name) => {
    const names = resolve(name);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect([n, hasRow(n)]).toEqual([n, true]);
  });

  test('a row with a legacy name has a Signaling cell, and the reverse', () => {
    for (const r of SEED_ROWS) {
      expect([r.id, r.legacy.length > 0]).toEqual([r.id, !/^N\/A$/.test(r.signaling)]);
    }
  });

  test.each(Object.entries(SEED_NAME_ALIASES))('alias %s is a seed spelling and resolves to rows', (alias, names) => {
    expect(SEED_ROWS.some((r) => r.legacy.includes(alias))).toBe(true);
    expect(hasRow(alias)).toBe(false);
    for (const n of names) expect([n, hasRow(n)]).toEqual([n, true]);
  });
});

// ---- bindings ---------------------------------------------------------------------------------

const bindingRows = (
  [
    ['RtmClient', CLIENT_BINDINGS],
    ['RtmChannel', CHANNEL_BINDINGS],
    ['LocalInvitation', LOCAL_INVITATION_BINDINGS],
    ['RemoteInvitation', REMOTE_INVITATION_BINDINGS],
  ] as [string, readonly Binding<unknown, unknown>[]][]
).flatMap(([emitter, rows]) => rows.map((b) => [emitter, b.event, b] as const));

const callbackPrototype = CallBack.prototype as unknown as Record<string, unknown>;

describe('binding rows', () => {
  test.each(bindingRows)('%s %s: its callbacks are ICallBack names with a CALLBACKS row', (_emitter, _event, b) => {
    for (const name of b.callbacks) {
      expect([name, typeof callbackPrototype[name]]).toEqual([name, 'function']);
      expect([name, Object.hasOwn(CALLBACKS, name)]).toEqual([name, true]);
    }
    expect(b.note.length).toBeGreaterThan(0);
    expect(['direct', 'adapted', 'emulated']).toContain(b.kind);
  });

  test('one row per event and emitter', () => {
    const keys = bindingRows.map(([emitter, event]) => `${emitter} ${String(event)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

// ---- compat -----------------------------------------------------------------------------------

const compatKeys = Object.keys(DEFAULT_COMPAT) as (keyof CompatOptions)[];
const literal = (v: unknown): string => (typeof v === 'string' ? `\`'${v}'\`` : `\`${String(v)}\``);

describe('compat options', () => {
  test('COMPAT_ROWS has one row per option, DEFAULT_COMPAT and RTM_COMPAT set every option', () => {
    expect(COMPAT_ROWS.map((r) => r.option).sort()).toEqual([...compatKeys].sort());
    expect(Object.keys(RTM_COMPAT).sort()).toEqual([...compatKeys].sort());
  });

  test.each(compatKeys)('%s: legacy default and RTM value differ, and the row states both', (key) => {
    expect(DEFAULT_COMPAT[key]).not.toEqual(RTM_COMPAT[key]);
    const row = COMPAT_ROWS.find((r) => r.option === key)!;
    expect(row.legacy.startsWith(literal(DEFAULT_COMPAT[key]))).toBe(true);
    expect(row.rtm.startsWith(literal(RTM_COMPAT[key]))).toBe(true);
    expect(row.why.length).toBeGreaterThan(0);
    expect(row.reference.length).toBeGreaterThan(0);
  });
});

// ---- methods and callbacks against the running API ---------------------------------------------

const methodEntries = Object.entries(METHODS) as [string, MappingRow][];
const callbackEntries = Object.entries(CALLBACKS) as [string, MappingRow][];
const apiStatic = AgoraAPI as unknown as Record<string, unknown>;
const apiPrototype = AgoraAPI.prototype as unknown as Record<string, unknown>;

function wellFormed(name: string, row: MappingRow): void {
  expect(['direct', 'adapted', 'emulated', 'unsupported']).toContain(row.kind);
  expect(row.rtm.length).toBeGreaterThan(0);
  expect(row.difference.length).toBeGreaterThan(0);
  expect(row.reference.length).toBeGreaterThan(0);
  // Unsupported means RTM has no counterpart.
  if (row.kind === 'unsupported') expect([name, row.rtm]).toEqual([name, ['—']]);
}

describe('METHODS', () => {
  test.each(methodEntries)('%s is a real AgoraAPI method', (name, row) => {
    const fn = name.startsWith('AgoraAPI.') ? apiStatic[name.slice('AgoraAPI.'.length)] : apiPrototype[name];
    expect(typeof fn).toBe('function');
    wellFormed(name, row);
  });
});

describe('CALLBACKS', () => {
  test.each(callbackEntries)('%s exists on the CallBack adapter', (name, row) => {
    expect(typeof callbackPrototype[name]).toBe('function');
    wellFormed(name, row);
  });

  test('every method of the CallBack adapter has a row', () => {
    const adapter = Object.getOwnPropertyNames(CallBack.prototype).filter((n) => n !== 'constructor');
    expect(adapter.sort()).toEqual(callbackEntries.map(([n]) => n).sort());
  });
});

describe('snippets', () => {
  test.each(SNIPPETS.map((s) => [s.title, s] as const))('%s: its rows exist', (_title, s) => {
    for (const n of s.rows) expect([n, hasRow(n)]).toEqual([n, true]);
    expect(s.legacy.length).toBeGreaterThan(0);
    expect(s.rtm.length).toBeGreaterThan(0);
  });
});
