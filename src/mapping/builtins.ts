/**
 * The legacy service's built-in attributes and special channels (legacy-signaling.md §8, §3.2):
 * what each did, and what it does on sig2rtm. MIGRATION.md renders this table.
 */

export interface BuiltinRow {
  name: string;
  scope: 'channel attribute' | 'user attribute' | 'channel';
  /** What the legacy service did with it. */
  legacy: string;
  /** What sig2rtm does with it. */
  here: string;
  status: 'implemented' | 'stored only';
}

export const BUILTINS: readonly BuiltinRow[] = [
  {
    name: '_channel_ttl',
    scope: 'channel attribute',
    legacy: 'Seconds between the last member leaving and the channel (its attributes) being destroyed; default 7200.',
    here: "Honoured by the server: the channel's attributes are cleared that many seconds after its last member left (0 and up; capped at 24.8 days). Without it the server's `timings.channelAttributesTtlMs` applies (120 s; `--timing-channel-attributes-ttl-ms 7200000` gives legacy's 7200 s).",
    status: 'implemented',
  },
  {
    name: '__agora_user_online, __agora_channel_event',
    scope: 'channel',
    legacy: 'Deprecated server-side channels receiving every login/logout, or every join/leave, of the appId; they never expire.',
    here: 'Ordinary channels whose attributes never expire. They do not receive app-wide login or join events.',
    status: 'stored only',
  },
  {
    name: '_member_num, _auto_update_num',
    scope: 'channel attribute',
    legacy: "_auto_update_num = n ≥ 1 made the system refresh _member_num (the member count) every n seconds when it changed; 0 (default) off.",
    here: 'Stored and reported like any attribute; the server does not write _member_num. Use channelQueryUserNum (answered on demand, no rate limit) or the RTM MemberCountUpdated event.',
    status: 'stored only',
  },
  {
    name: '_total_member_num, _auto_update_total_num',
    scope: 'channel attribute',
    legacy: 'Deprecated: a cumulative login count refreshed every n seconds; not supported by RTM.',
    here: 'Stored and reported like any attribute; never written by the server.',
    status: 'stored only',
  },
  {
    name: '_userNotification',
    scope: 'channel attribute',
    legacy: 'Deprecated: 0 turned off onChannelUserJoined / onChannelUserLeaved for the channel (advised above 1,000 members); default 1.',
    here: 'Stored only: join and leave events follow RTM, which stops them above 512 members (server option limits.memberEventsUpTo).',
    status: 'stored only',
  },
  {
    name: '_sendmsg_limit, _setattr_limit',
    scope: 'channel attribute',
    legacy: 'Channel-wide messages per second, and updates per second of each attribute; defaults undocumented.',
    here: "Stored only: the server's per-client rates apply (rates.send 180 per 3 s, rates.cattr).",
    status: 'stored only',
  },
  {
    name: '_conn_timeout',
    scope: 'user attribute',
    legacy: 'Seconds a dropped user still counted as online; default 120, clamped to 20–120 (documented 2018-11 to 2019-08).',
    here: "Stored with the account's attributes; the server's timings.offlineAfterMs (30 s) decides when a silent user goes offline.",
    status: 'stored only',
  },
];
