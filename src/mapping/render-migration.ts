/**
 * MIGRATION.md, rendered from the mapping tables: methods.ts, callbacks.ts, bindings.ts,
 * code-maps.ts, compat.ts, seeds.ts, snippets.ts and the emulations, plus the worked example's source
 * (examples/gradual-migration.ts, passed in). `npm run migration` writes it
 * (scripts/gen-migration.ts); test/unit/mapping/migration.test.ts fails when the file on disk differs.
 * Pure: no I/O, no clock, so the output depends on the tables and the input alone.
 */

import { AttributeOperationError, ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError, LoginError, PeerMessageError, QueryPeersOnlineStatusError } from '../rtm-core/protocol/codes';
import { ConnectionChangeReason, LocalInvitationFailureReason } from '../rtm-core/client/status-codes';
import { END_CALL_PREFIX } from '../rtm-core/client/end-call';
import type { CallbackName } from '../legacy-api/native/callback';
import { CHANNEL_BINDINGS, CLIENT_BINDINGS, LOCAL_INVITATION_BINDINGS, REMOTE_INVITATION_BINDINGS, type Binding } from './bindings';
import { CALLBACKS } from './callbacks';
import * as CodeMaps from './code-maps';
import { COMPAT_ROWS, DEFAULT_COMPAT, RTM_COMPAT, type CompatOptions } from './compat';
import { diffAttributes } from './emulations/attribute-diff';
import { CALL_MESSAGE_PREFIX, dtmfMessage, endCallText, formatCallMessage } from './emulations/call-messages';
import { AgoraECode, type AgoraECodeValue } from './legacy-codes';
import { METHODS, type LegacyMethodName } from './methods';
import { BUILTINS } from './builtins';
import { OPERATIONS } from './operations';
import { rolloutBucket } from '../migration/flag';
import { SEED_NAME_ALIASES, type MappingKind, type MappingRow } from './rows';
import { SEED_ROWS, type SeedDocument } from './seeds';
import { SNIPPETS } from './snippets';
import { toolsChapter } from './render-tools';

// ---- the code families ------------------------------------------------------------------------

/** The tables of code-maps.ts (everything it exports but the lookup function). */
export type CodeMapName = Exclude<keyof typeof CodeMaps, 'legacyCode'>;

/** One RTM code family and the code-maps.ts table that translates it. */
export interface CodeFamily {
  readonly title: string;
  /** The RTM table's name (protocol/codes.ts, or client/status-codes.ts for reasons). */
  readonly rtmName: string;
  /** Its entries: name → numeric code, or name → name for the string enums. */
  readonly rtm: Readonly<Record<string, number | string>>;
  readonly mapName: CodeMapName;
  readonly map: Readonly<Record<number | string, AgoraECodeValue>>;
  /** Where the legacy code reaches the app. */
  readonly legacy: string;
}

const family = (title: string, rtmName: string, rtm: CodeFamily['rtm'], mapName: CodeMapName, legacy: string): CodeFamily => ({
  title,
  rtmName,
  rtm,
  mapName,
  map: CodeMaps[mapName],
  legacy,
});

/** Every table of code-maps.ts with its RTM family, in the order MIGRATION.md lists them. */
export const CODE_FAMILIES: readonly CodeFamily[] = [
  family('Login', 'LoginError', LoginError, 'loginFailure', '`onLoginFailed(ecode)`'),
  family('Session end', 'ConnectionChangeReason', ConnectionChangeReason, 'logoutReason', '`onLogout(ecode)` when the session ends without a `logout()` (`ConnectionStateChanged` to `ABORTED`, or to `DISCONNECTED` unasked)'),
  family('Peer message', 'PeerMessageError', PeerMessageError, 'peerMessageFailure', '`onMessageSendError(msgID, ecode)` after `messageInstantSend`'),
  family('Channel message', 'ChannelMessageError', ChannelMessageError, 'channelMessageFailure', '`onMessageSendError(msgID, ecode)` after `messageChannelSend` / `messageChannelSendForce`'),
  family('Join', 'JoinChannelError', JoinChannelError, 'joinFailure', '`onChannelJoinFailed(channelID, ecode)`'),
  family('Leave', 'LeaveChannelError', LeaveChannelError, 'leaveFailure', '`onChannelLeaved(channelID, ecode)` when a leave fails or is forced'),
  family('Member count', 'GetChannelMemberCountError', GetChannelMemberCountError, 'queryUserNumFailure', '`onChannelQueryUserNumResult(channelID, ecode, num)`'),
  family('Member list', 'GetMembersError', GetMembersError, 'membersFailure', '`onError(name, ecode, desc)` when a member list cannot be had (`channelQueryUserIsIn`)'),
  family('Online status', 'QueryPeersOnlineStatusError', QueryPeersOnlineStatusError, 'queryStatusFailure', '`onError(name, ecode, desc)` when `queryUserStatus` fails'),
  family('Attributes', 'AttributeOperationError', AttributeOperationError, 'attributeFailure', '`onError(name, ecode, desc)` when a user or channel attribute call fails (legacy attribute calls had no result callback)'),
  family('Invitation', 'LocalInvitationFailureReason', LocalInvitationFailureReason, 'inviteFailure', '`onInviteFailed(channelID, account, uid, ecode, extra)`, extra `{"reason": <RTM reason>}`'),
];

// ---- markdown helpers -------------------------------------------------------------------------

const KIND_ORDER: readonly MappingKind[] = ['direct', 'adapted', 'emulated', 'unsupported'];

const KIND_MEANING: Readonly<Record<MappingKind, string>> = {
  direct: 'same meaning, same arguments',
  adapted: 'same meaning; arguments, codes or timing translated',
  emulated: 'RTM has no counterpart; sig2rtm builds the behaviour from RTM calls',
  unsupported: 'cannot be offered on RTM; the call fails with a clear error or is ignored',
};

const SEED_TITLES: Readonly<Record<SeedDocument, string>> = {
  'linux-cpp': 'Signaling vs. Agora RTM SDK (Linux C++)',
  android: 'Signaling vs. Agora RTM SDK (Android)',
};

/** A table cell: no pipes or line breaks may escape. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** GitHub's heading anchor. */
function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

const tick = (s: string): string => `\`${s}\``;
/** The anchor of a row of the method or callback table (`method-login`), also used by `sig2rtm migrate`'s notes. */
export const anchorId = (prefix: 'method' | 'callback', name: string): string => `${prefix}-${name.replace(/[^A-Za-z0-9_]/g, '-')}`;
const methodAnchor = (name: string): string => anchorId('method', name);
const callbackAnchor = (name: string): string => anchorId('callback', name);

const methodRows = Object.entries(METHODS) as [LegacyMethodName, MappingRow][];
const callbackRows = Object.entries(CALLBACKS) as [CallbackName, MappingRow][];

const isMethod = (name: string): name is LegacyMethodName => Object.hasOwn(METHODS, name);
const isCallback = (name: string): name is CallbackName => Object.hasOwn(CALLBACKS, name);

/** A link to the name's row in the method or callback table, with its kind. */
function rowLink(name: string, withKind = false): string {
  const row = isMethod(name) ? METHODS[name] : isCallback(name) ? CALLBACKS[name] : undefined;
  if (!row) return `${tick(name)} (no row)`;
  const link = `[${tick(name)}](#${isMethod(name) ? methodAnchor(name) : callbackAnchor(name)})`;
  return withKind ? `${link} (${row.kind})` : link;
}

function rtmCell(rtm: readonly string[]): string {
  return rtm.map((r) => (r === '—' || r.startsWith('(') ? r : tick(r))).join(', ');
}

function kindCounts(rows: readonly [string, MappingRow][]): string {
  return KIND_ORDER.map((k) => `${rows.filter(([, r]) => r.kind === k).length} ${k}`).join(', ');
}

function value(v: CompatOptions[keyof CompatOptions]): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

const ECODE_NAME = new Map<number, string>(Object.entries(AgoraECode).map(([k, v]) => [v, k]));

function ecode(code: AgoraECodeValue | undefined): [string, string] {
  if (code === undefined) return ['—', '**not mapped**'];
  return [tick(String(code)), ECODE_NAME.get(code) ?? '?'];
}

/** The legacy names a seed row mentions, spelled as the tables spell them. */
export function seedNames(legacy: readonly string[]): string[] {
  return legacy.flatMap((n) => SEED_NAME_ALIASES[n] ?? [n]);
}

// ---- sections ---------------------------------------------------------------------------------

const H = {
  switching: 'Switching an app to sig2rtm',
  methods: 'Every legacy method',
  callbacks: 'Every legacy callback',
  flows: 'Before and after: the common flows',
  gaps: 'Gaps and how sig2rtm fills them',
  codes: 'Error codes',
  operations: 'Operation names in onError',
  builtins: 'Built-in attributes and special channels',
  extension: 'What the server carries for legacy apps (protocol extension legacy/1)',
  compat: 'Compat options',
  gradual: 'Gradual migration',
  tools: 'Migration tools: sig2rtm scan and sig2rtm migrate',
  seeds: 'Seed cross-reference',
};

function intro(): string {
  return [
    '<!-- Generated by `npm run migration` (src/mapping/render-migration.ts) from the tables in src/mapping/. Do not edit: change the tables and run `npm run migration`. -->',
    '',
    '# Migrating from Agora Signaling to RTM 1.x',
    '',
    '> **Generated file.** `npm run migration` writes it from the mapping tables in `src/mapping/` (methods, callbacks, bindings,',
    '> code maps, compat options, seed rows, snippets); `test/unit/mapping/migration.test.ts` fails when it is out of date.',
    '',
    'Agora Signaling (the legacy `AgoraAPI` / `IAgoraAPI` SDK) has been replaced by Real-time Messaging (RTM). sig2rtm runs',
    'Signaling apps **unchanged** on a self-hosted RTM 1.x server: `sig2rtm/legacy` offers the legacy native API, method for',
    'method and callback for callback, on top of an RTM 1.x client (`sig2rtm/rtm`, the `agora-rtm-sdk` 1.5.1 surface). Legacy',
    'apps and RTM apps log in to the same server and talk to each other.',
    '',
    'This guide lists, for every legacy method and callback, the RTM API to use instead and what changes; shows the common',
    'flows before and after; lists the gaps sig2rtm fills by emulation; and gives the error-code translation and the',
    'behavioural options (compat) that let you switch to RTM behaviour one difference at a time.',
    '',
    'Kinds used in the tables:',
    '',
    ...KIND_ORDER.map((k) => `- **${k}**: ${KIND_MEANING[k]}.`),
    '',
    '## Contents',
    '',
    ...Object.values(H).map((h) => `- [${h}](#${slug(h)})`),
  ].join('\n');
}

function switching(): string {
  return [
    `## ${H.switching}`,
    '',
    'Replace the Signaling SDK import with `sig2rtm/legacy` and tell the instance where the server is. Nothing else changes:',
    'the same methods, the same callbacks, the same arguments and ecodes.',
    '',
    '```ts',
    "import { AgoraAPI } from 'sig2rtm/legacy';",
    '',
    "const api = AgoraAPI.getInstance(appId, { serverUrl: 'ws://127.0.0.1:8080/rtm' });",
    'api.callbackSet(myCallbacks); // your ICallBack, or a subclass of AgoraAPI.CallBack',
    "api.login2(appId, 'alice', token, 0, '', 30, 3);",
    '```',
    '',
    '- `serverUrl` is the sig2rtm server (`npm start` serves `ws://127.0.0.1:8080/rtm`). Without it the `SIG2RTM_URL`',
    '  environment variable is used, then the page origin plus `/rtm` in a browser, then an in-process embedded core.',
    '- `getInstance(appId, options)` shares one instance per appId (the options of the first call count);',
    '  `createAgoraSDKInstance(appId, options)` makes a new one each time.',
    '- `options.compat` picks legacy or RTM behaviour per difference (see [Compat options](#' + slug(H.compat) + ')); `options.rtm` passes',
    '  settings to the RTM client underneath (timeouts, reconnect backoff).',
    '- Tokens: legacy Signaling tokens (`1:appId:expiry:md5`) and RTM tokens (AccessToken `006`, AccessToken2 `007`) both work',
    '  when the server knows the app certificate; `_no_need_token` logs in without one on a server without certificates.',
  ].join('\n');
}

function methods(): string {
  return [
    `## ${H.methods}`,
    '',
    `${methodRows.length} methods: ${kindCounts(methodRows)}.`,
    '"RTM API to use" names the RTM 1.x Web API (`RtmClient`, `RtmChannel`, `LocalInvitation`, `RemoteInvitation`);',
    '`client.sig2rtm.*` are sig2rtm server extensions that the official SDK does not have.',
    '',
    table(
      ['Legacy method', 'RTM API to use', 'Kind', 'What changes', 'Reference'],
      methodRows.map(([name, r]) => [`<a id="${methodAnchor(name)}"></a>${tick(name)}`, rtmCell(r.rtm), r.kind, r.difference, r.reference]),
    ),
  ].join('\n');
}

const BINDING_TABLES: readonly [string, readonly Binding<unknown, unknown>[]][] = [
  ['RtmClient', CLIENT_BINDINGS as readonly Binding<unknown, unknown>[]],
  ['RtmChannel', CHANNEL_BINDINGS as readonly Binding<unknown, unknown>[]],
  ['LocalInvitation', LOCAL_INVITATION_BINDINGS as readonly Binding<unknown, unknown>[]],
  ['RemoteInvitation', REMOTE_INVITATION_BINDINGS as readonly Binding<unknown, unknown>[]],
];

function callbacks(): string {
  const events = BINDING_TABLES.flatMap(([emitter, rows]) =>
    rows.map((b) => [tick(emitter), tick(b.event), b.callbacks.length ? b.callbacks.map((c) => rowLink(c)).join(', ') : '— (none)', b.kind, b.note]),
  );
  return [
    `## ${H.callbacks}`,
    '',
    `${callbackRows.length} callbacks: ${kindCounts(callbackRows)}.`,
    'In RTM, results of calls are promises and events come from the object they concern (client, channel, invitation);',
    '"RTM API to use" names the promise or event.',
    '',
    table(
      ['Legacy callback', 'RTM API to use', 'Kind', 'What changes', 'Reference'],
      callbackRows.map(([name, r]) => [`<a id="${callbackAnchor(name)}"></a>${tick(name)}`, rtmCell(r.rtm), r.kind, r.difference, r.reference]),
    ),
    '',
    '### RTM events and the callbacks they become',
    '',
    'sig2rtm installs one listener per row on the RTM objects; each row says which legacy callbacks it can produce.',
    '',
    table(['Emitter', 'RTM event', 'Legacy callbacks', 'Kind', 'Note'], events),
  ].join('\n');
}

function flows(): string {
  const parts = SNIPPETS.flatMap((s) => [
    `### ${s.title}`,
    '',
    `Rows: ${s.rows.map((n) => rowLink(n)).join(', ')}.`,
    '',
    'Legacy Signaling:',
    '',
    '```ts',
    s.legacy,
    '```',
    '',
    'RTM 1.x:',
    '',
    '```ts',
    s.rtm,
    '```',
    '',
    ...s.notes.map((n) => `- ${n}`),
    '',
  ]);
  return [
    `## ${H.flows}`,
    '',
    'Legacy code is shown with `sig2rtm/legacy` (the calls and callbacks are those of Android\'s `IAgoraAPI` / `ICallBack`; C++',
    'adds the string lengths); RTM code with the RTM 1.x Web API (`agora-rtm-sdk` 1.5.1, or `sig2rtm/rtm`). Every snippet is',
    'type-checked against sig2rtm by the test suite. Snippets after the first use its `api`, `cb` and `client`; `cb` is the',
    'one callback object given to `callbackSet`, whose members are read when a callback fires.',
    '',
    ...parts,
  ]
    .join('\n')
    .trimEnd();
}

function gapList(rows: readonly [string, MappingRow][], kind: MappingKind): string[] {
  return rows.filter(([, r]) => r.kind === kind).map(([name, r]) => `- ${rowLink(name)} (${rtmCell(r.rtm)}): ${r.difference}`);
}

function attributeExamples(): string {
  const cases: [Record<string, string>, Record<string, string>][] = [
    [{}, { topic: 'a' }],
    [{ topic: 'a' }, { topic: 'b', lang: 'en' }],
    [{ topic: 'b', lang: 'en' }, { lang: 'en' }],
    [{ topic: 'b', lang: 'en' }, {}],
    [{ topic: 'b' }, {}],
  ];
  const show = (m: Record<string, string>) => tick(JSON.stringify(m));
  const rows = cases.map(([prev, next]) => {
    const snapshot = { values: new Map(Object.entries(prev)) };
    const attrs = Object.fromEntries(Object.entries(next).map(([k, v]) => [k, { value: v, lastUpdateUserId: 'alice', lastUpdateTs: 0 }]));
    const changes = diffAttributes(snapshot, attrs);
    return [show(prev), show(next), changes.map((c) => tick(`onChannelAttrUpdated(ch, '${c.name}', '${c.value}', '${c.type}')`)).join('<br>')];
  });
  return table(['Last map seen', 'New map (`AttributesUpdated`)', 'Legacy callbacks'], rows);
}

function gaps(): string {
  return [
    `## ${H.gaps}`,
    '',
    'Where RTM has no counterpart, sig2rtm builds the legacy behaviour from RTM calls (emulated), or fails the call in the',
    'documented legacy way (unsupported). When you move to the RTM API, these are the places that need code of your own.',
    '',
    '### Emulated methods',
    '',
    ...gapList(methodRows, 'emulated'),
    '',
    '### Emulated callbacks',
    '',
    ...gapList(callbackRows, 'emulated'),
    '',
    '### Unsupported methods',
    '',
    ...gapList(methodRows, 'unsupported'),
    '',
    '### Unsupported callbacks',
    '',
    ...gapList(callbackRows, 'unsupported'),
    '',
    '### How the emulations look on the wire',
    '',
    `**DTMF** (\`channelInviteDTMF\`) travels as a peer text message with the prefix \`${CALL_MESSAGE_PREFIX}\` and a JSON body; the`,
    "peer's sig2rtm turns it into `onInviteMsg`, an RTM client sees it as a text message. `channelInviteDTMF('call-1', 'bob', '5')` sends:",
    '',
    '```text',
    formatCallMessage(dtmfMessage('call-1', '5')),
    '```',
    '',
    "**Ending an accepted call** (`channelInviteEnd`): on sig2rtm's server, the invitation cancel legacy Signaling used (callId",
    "\"0\", the channel and the extra verbatim: `client.sig2rtm.endCall`). On another RTM server, RTM's own legacy end-call text",
    "(the RTM 1.x SDK sends it as that cancel, rtm-1x.md §8.7), whose extra cannot hold '_' (sent as '-'); sig2rtm's client",
    "reports either to an RTM app as `CallEndedByPeer`. After an accept, `channelInviteEnd('call-1', 'bob', 0)` sends there:",
    '',
    '```text',
    endCallText(END_CALL_PREFIX, 'call-1', ''),
    '```',
    '',
    "**Channel attribute changes**: sig2rtm's server names the operation with each change (AttributesChanged, protocol legacy/1):",
    "one 'update' per key set, one 'del' per key deleted, one 'clear' for a clear. On another RTM server, RTM's `AttributesUpdated`",
    "carries only the whole map; sig2rtm compares it with the last map it saw and reports each change the legacy way, and a",
    "one-key map that empties is reported as `'del'` (it may have been a clear):",
    '',
    attributeExamples(),
  ].join('\n');
}

function codes(): string {
  const parts = CODE_FAMILIES.flatMap((f) => {
    const entries = Object.entries(f.rtm);
    const numeric = entries.every(([, v]) => typeof v === 'number');
    const rows = entries.map(([name, code]) => {
      const [legacy, legacyName] = ecode(f.map[code]);
      return numeric ? [tick(String(code)), name, legacy, legacyName] : [tick(name), legacy, legacyName];
    });
    const head = numeric ? ['RTM code', 'RTM name', 'Legacy ecode', 'AgoraECode'] : ['RTM reason', 'Legacy ecode', 'AgoraECode'];
    return [`### ${f.title}: \`${f.rtmName}\``, '', `Reaches the legacy app as ${f.legacy}. Table \`${f.mapName}\` in code-maps.ts.`, '', table(head, rows), ''];
  });
  return [
    `## ${H.codes}`,
    '',
    'RTM rejects a promise with an error whose `code` comes from a per-API table; legacy callbacks carry one `ecode` per family',
    '(1xx logout, 2xx login, 3xx join, 4xx send, 5xx member count, 6xx leave, 7xx invite, 10xx general). The names are those of',
    '`AGORA_E_CODE` (C/C++); Android spells them `IAgoraAPI.ECODE_<NAME>`, iOS `AgoraEcode_<NAME>`. `sig2rtm/legacy` exports both',
    '`AgoraECode` and `ECODE`.',
    '',
    ...parts,
  ]
    .join('\n')
    .trimEnd();
}

function compat(): string {
  const keys = COMPAT_ROWS.map((r) => r.option);
  return [
    `## ${H.compat}`,
    '',
    'Each behavioural difference between Signaling and RTM is an option. The default is the legacy behaviour, so an app runs',
    'as before; switch options one at a time to RTM behaviour, and fix the app where it relied on the old one.',
    '',
    table(
      ['Option', 'Legacy (default)', 'RTM', 'Why', 'Reference'],
      COMPAT_ROWS.map((r) => [tick(r.option), r.legacy, r.rtm, r.why, r.reference]),
    ),
    '',
    'Set them when creating the instance (with `getInstance`, on the first call for that appId):',
    '',
    '```ts',
    "import { AgoraAPI, RTM_COMPAT } from 'sig2rtm/legacy';",
    '',
    "// one difference at a time",
    "const api = AgoraAPI.getInstance(appId, { compat: { sendSuccess: 'peer' } });",
    '',
    '// every difference at once: plain RTM behaviour',
    'const rtmLike = AgoraAPI.createAgoraSDKInstance(appId, { compat: RTM_COMPAT });',
    '```',
    '',
    table(
      ['Option', '`DEFAULT_COMPAT`', '`RTM_COMPAT`'],
      keys.map((k) => [tick(k), tick(value(DEFAULT_COMPAT[k])), tick(value(RTM_COMPAT[k]))]),
    ),
  ].join('\n');
}

/** The code blocks of the Gradual migration chapter (type-checked by the MIGRATION.md test). */
export const GRADUAL_SNIPPETS = {
  flag: [
    "import { createSignaling } from 'sig2rtm/legacy';",
    '',
    'const signaling = createSignaling({',
    '  appId,',
    '  legacy: originalSdk, // your existing legacy SDK instance: logins the flag says no to go to it, untouched',
    "  flag: { percentage: 10, salt: 'sig2rtm-rollout' }, // or true, { env: 'USE_SIG2RTM' }, a function",
    "  sig2rtm: { serverUrl: 'ws://127.0.0.1:8080/rtm' },",
    '});',
    'signaling.callbackSet(myCallbacks); // the same callbacks, whichever side serves the login',
    "signaling.login2(appId, account, token, 0, '', 30, 3); // decided here",
  ].join('\n'),
  openFeature: [
    "import { OpenFeature } from '@openfeature/server-sdk';",
    "import { createSignaling } from 'sig2rtm/legacy';",
    '',
    'const flags = OpenFeature.getClient();',
    'const signaling = createSignaling({',
    '  appId,',
    '  legacy: originalSdk,',
    "  flag: ({ account }) => flags.getBooleanValue('use-sig2rtm', false, { targetingKey: account }),",
    "  fallback: 'legacy', // where a login goes when the flag fails (the default)",
    '  flagTimeoutMs: 500, // how long to wait for it (default 2000)',
    '  log: (d) => metrics.increment(`sig2rtm.routing.${d.route}`),',
    '});',
  ].join('\n'),
  rtm: [
    '// The legacy code joined the channel with signaling.channelJoin(\'room\'); a module rewritten to the RTM API:',
    'const rtm = signaling.getRtmClient(); // undefined while this login is on the original SDK',
    'if (rtm) {',
    "  const channel = rtm.createChannel('room'); // same login, same membership: no 202",
    "  channel.on('ChannelMessage', (message, from) => console.log(from, message.text));",
    '  await channel.join();',
    '}',
  ].join('\n'),
  compat: [
    "import { createSignaling } from 'sig2rtm/legacy';",
    '',
    'const signaling = createSignaling({',
    '  appId,',
    '  legacy: originalSdk,',
    "  flag: { env: 'USE_SIG2RTM' },",
    '  // One difference at a time: here the sender no longer hears its own channel messages.',
    "  sig2rtm: { serverUrl: 'ws://127.0.0.1:8080/rtm', compat: { echoChannelMessages: false } },",
    '});',
  ].join('\n'),
} as const;

export interface MigrationInput {
  /** The text of examples/gradual-migration.ts, shown verbatim in the Gradual migration chapter. */
  workedExample: string;
}

function gradual(workedExample: string): string {
  const code = (text: string) => ['```ts', text, '```'];
  const bucket = rolloutBucket('sig2rtm-rollout', 'dave');
  const sample = { account: 'dave', route: bucket < 10 ? 'sig2rtm' : 'legacy', reason: `rollout bucket ${bucket.toFixed(2)} ${bucket < 10 ? '<' : '>='} 10%`, ms: 0 };
  return [
    `## ${H.gradual}`,
    '',
    'An app need not move all its users at once, nor all its code. Three steps, each one reversible:',
    '',
    '1. [Route each login with a feature flag](#step-1-route-each-login-with-a-feature-flag): some users on sig2rtm, the rest',
    '   still on the original Signaling SDK.',
    '2. [Move code to the RTM API on the same login](#step-2-move-code-to-the-rtm-api-on-the-same-login), one module at a time.',
    '3. [Switch compat options one at a time](#step-3-switch-compat-options-one-at-a-time) to RTM behaviour.',
    '',
    '### Step 1: route each login with a feature flag',
    '',
    '`createSignaling` (from `sig2rtm/legacy`) returns an object with the legacy native API. At each `login` / `login2` it asks',
    'the flag, with the account, whether sig2rtm serves this login or the app\'s **original SDK instance**, which it is given',
    'and calls exactly as the app would (same methods, same arguments, same order).',
    '',
    ...code(GRADUAL_SNIPPETS.flag),
    '',
    table(
      ['`flag`', 'The login goes to sig2rtm when', 'Reason logged'],
      [
        ['`true` / `false`', 'always / never', '`flag is true`'],
        ["`{ env: 'USE_SIG2RTM' }`", 'the variable (from the `env` option, else `process.env`) is `1`, `true`, `yes` or `on`, in any case; unset means the original SDK', '`USE_SIG2RTM=yes`, `USE_SIG2RTM is unset`'],
        ["`{ percentage: 10, salt: 'sig2rtm-rollout' }`", "the account's rollout bucket (SHA-256 of salt and account, in [0, 100)) is below the percentage: the same account always gets the same side for one salt, a new salt reshuffles", `\`${sample.reason}\``],
        ['`({ account, appId }) => boolean | Promise<boolean>`', 'it answers `true`: any function, for example an OpenFeature client with the account as targeting key', '`flag function answered true`'],
      ],
    ),
    '',
    'With OpenFeature (`@openfeature/server-sdk`, any provider):',
    '',
    ...code(GRADUAL_SNIPPETS.openFeature),
    '',
    '**Fallback and timeout.** A flag function that throws or rejects, does not answer within `flagTimeoutMs` (default 2000 ms)',
    "or answers anything but a boolean, and a percentage outside [0, 100], send the login to `fallback` (default `'legacy'`: the",
    "original SDK). The reason then ends with `: fallback` (for example `flag timed out after 2000 ms: fallback`) and the",
    'decision is counted in `counts.fallback` as well as under its side.',
    '',
    '- The decision holds for the whole login: a flag change takes effect at the next login. After `logout`, the next',
    '  login (of the same or another account) is decided again.',
    '- Calls made between `login` and the decision are queued and replayed, in order, on the chosen side right after its',
    '  login; meanwhile `getStatus()` answers 1 (logging in).',
    '- Every other legacy method goes to the side serving the current login. The original SDK object needs `callbackSet`,',
    '  `login`, `logout` and `getStatus` (`LegacySignalingApi`); a method it lacks gives `onError(name, 1001, desc)`.',
    '- The callback object given to `callbackSet` is set on both sides, so the app hears the same callbacks either way.',
    '',
    '**The decision log.** Each decision `{ account, route, reason, ms }` (`RoutingDecision`, `ms` = time the flag took) goes to',
    'the `log` option, by default as one JSON line on stdout:',
    '',
    '```json',
    JSON.stringify({ sig2rtm: 'routing', ...sample }),
    '```',
    '',
    "The app's `onLog` also gets `[sig2rtm] login of <account> → <route> (<reason>)`. `signaling.counts` counts the decisions",
    "(`{ sig2rtm, legacy, fallback }`), `signaling.decisions` keeps them, and `signaling.current` is the side of the current login.",
    '',
    '### Step 2: move code to the RTM API on the same login',
    '',
    '`signaling.getRtmClient()` (or `api.getRtmClient()` on an `AgoraAPI`) is the `RtmClient` under the legacy API: code',
    'rewritten to the RTM API runs on the same login as the legacy code, with no second login.',
    '',
    ...code(GRADUAL_SNIPPETS.rtm),
    '',
    '- **Shared channel membership.** A channel joined by the legacy code (`channelJoin`) and an `RtmChannel` of the same id on',
    '  this client are one membership: the second join succeeds (no 202 `ALREADY_JOINED_CHANNEL_OF_SAME_ID`), both get the',
    '  channel\'s messages and events, and the server and the other members see one member (one `MemberJoined`). The',
    '  membership ends when the last of the two leaves: after the legacy `channelLeave` the `RtmChannel` is still in the',
    '  channel, and the others see `MemberLeft` only when it leaves too. Either may join first.',
    '- This is the `sharedChannels` extension of the clients the legacy API makes; a client from `AgoraRTM.createInstance`',
    '  keeps the official rule (a second instance of a joined id fails with 202).',
    '- User attributes belong to the login: set through either API, read through either.',
    '- A channel message sent through the `RtmChannel` is not delivered back to the same login (RTM skips the sender), so',
    '  the legacy code does not hear it; the legacy echo ([compat](#' + slug(H.compat) + ') `echoChannelMessages`) of a message sent',
    '  by the legacy code reaches the legacy callbacks only.',
    '',
    '### Step 3: switch compat options one at a time',
    '',
    'The sig2rtm side runs with the legacy behaviour by default. Switch one difference at a time to RTM behaviour in the',
    '`compat` of the `sig2rtm` options (they are per instance: instances with different compat run side by side on one',
    'server), roll it out to the flagged users, fix what relied on the old behaviour, then take the next:',
    '',
    ...code(GRADUAL_SNIPPETS.compat),
    '',
    ...COMPAT_ROWS.map((r, i) => `${i + 1}. ${tick(r.option)}: ${tick(value(DEFAULT_COMPAT[r.option]))} → ${tick(value(RTM_COMPAT[r.option]))}. ${r.why}`),
    '',
    `Once every option has its \`RTM_COMPAT\` value, the legacy code behaves as RTM code does, and what remains is to replace`,
    `its calls (see [${H.methods}](#${slug(H.methods)}) and [${H.callbacks}](#${slug(H.callbacks)})). The details of each option are in [${H.compat}](#${slug(H.compat)}).`,
    '',
    '### Worked example',
    '',
    '`examples/gradual-migration.ts`, which the test suite runs as written (`test/migration/worked-example.test.ts`, with a',
    'recording stand-in for the original SDK): alice is flagged on, her legacy code and an RTM module share her login and',
    'channel, and carol\'s login goes to the original SDK.',
    '',
    ...code(workedExample.replace(/\r\n/g, '\n').trimEnd()),
  ].join('\n');
}

function seeds(): string {
  const docs = [...new Set(SEED_ROWS.map((r) => r.seed))];
  const parts = docs.flatMap((doc) => {
    const rows = SEED_ROWS.filter((r) => r.seed === doc);
    const sections = [...new Set(rows.map((r) => r.section))];
    return [
      `### ${SEED_TITLES[doc]}`,
      '',
      ...sections.flatMap((section) => [
        `#### ${section}`,
        '',
        table(
          ['Kind', 'What', 'Signaling (seed)', 'RTM (seed)', 'sig2rtm row'],
          rows
            .filter((r) => r.section === section)
            .map((r) => [r.kind, r.what, r.signaling, r.rtm, r.legacy.length ? seedNames(r.legacy).map((n) => rowLink(n, true)).join(', ') : '— (RTM only)']),
        ),
        '',
      ]),
    ];
  });
  return [
    `## ${H.seeds}`,
    '',
    "Every row of the two comparison documents sig2rtm was built from, as written (their spellings included), with the row of",
    "this guide's tables that covers the legacy name. Rows with no legacy name are RTM-only features.",
    '',
    ...parts,
  ]
    .join('\n')
    .trimEnd();
}

function operations(): string {
  const rows = Object.entries(OPERATIONS) as [LegacyMethodName, (typeof OPERATIONS)[LegacyMethodName]][];
  return [
    `## ${H.operations}`,
    '',
    '`onError(name, ecode, desc)` carries the operation as the real SDKs named it, not the method, and apps branch on it',
    '(`if (name.equals("query_user_status"))`). "SDK" names come from the operation table of the legacy Android library;',
    '"sig2rtm" names are our choice where no source names the operation.',
    '',
    table(['Legacy method', 'onError name', 'Source'], rows.map(([m, r]) => [tick(m), tick(r.name), r.source === 'sdk' ? 'SDK' : 'sig2rtm'])),
  ].join('\n');
}

function builtins(): string {
  return [
    `## ${H.builtins}`,
    '',
    'The legacy service reserved names starting with an underscore. Each, and what it does here:',
    '',
    table(['Name', 'Scope', 'Legacy', 'On sig2rtm', 'Status'], BUILTINS.map((r) => [tick(r.name), r.scope, r.legacy, r.here, r.status])),
  ].join('\n');
}

function extension(): string {
  return [
    `## ${H.extension}`,
    '',
    'Both ends talk to a sig2rtm server, so it carries what legacy had and RTM lacks; legacy clients get exactly what legacy',
    'gave, RTM clients keep the official RTM events. On another RTM server the legacy API falls back to the emulations above.',
    'The wire details are in `src/rtm-core/protocol/EXTENSIONS.md`.',
    '',
    '- **Legacy names**: accounts, channel names and attribute names of up to 128 visible characters in any script (`张三`, `频道`),',
    '  end to end. RTM clients see them as given (a message from `张三` has peerId `张三`); the official RTM SDK cannot itself log in',
    '  or join with a name outside its ID rule. Any appId goes to the server, which decides (`--dev` takes any).',
    '- **Account attributes**: legacy `setAttr` stores the attribute with the account in the durable store (SQLite by default); it',
    "  outlives the login and the server, and `getUserAttr(All)` reads it whether or not the user is online. RTM `getUserAttributes`",
    "  of an online legacy user includes them; `client.sig2rtm.getAccountAttributes(account)` reads them any time.",
    '- **Exact attribute operations**: the server tells members which operation changed a channel\'s attributes, so',
    "  `channelClearAttr` is a 'clear' even of one key (RTM clients: AttributesUpdated as always).",
    '- **Verbatim end-call extras**: `channelInviteEnd` after accept reaches the peer with its extra unchanged (the RTM text form',
    "  cannot carry '_'). An official RTM 1.x app shows nothing for it (its invitation is over); sig2rtm's RTM client adds CallEndedByPeer.",
    '- **Member counts on demand**: legacy count queries have their own rate window (50 per second, option `rates.legacyCounts`)',
    "  instead of RTM's one per second.",
    '- **Reconnection attempts**: sig2rtm\'s client reports each attempt (event ReconnectAttempt), which `onReconnecting(n)` counts.',
  ].join('\n');
}

/** The whole of MIGRATION.md; `input` carries the texts it shows verbatim (read by the caller, so this stays pure). */
export function renderMigration(input: MigrationInput): string {
  return [
    intro(), switching(), methods(), callbacks(), flows(), gaps(), codes(), operations(), builtins(), extension(), compat(),
    gradual(input.workedExample), toolsChapter(H.tools, rowLink), seeds(),
  ].join('\n\n') + '\n';
}
