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
    name: '__agora_user_online',
    scope: 'channel',
    legacy: 'Deprecated server-side channel whose members received the login and logout of every user of the appId; it never expires.',
    here: "Fed by the server on every node: each login of the app (not a resume, not a newer login replacing an older one) reaches its members as onChannelUserJoined(account, uid), each logout or timeout as onChannelUserLeaved(account, uid) (RTM members: MemberJoined / MemberLeft). The legacy docs do not say which callbacks carried the events: this is sig2rtm's choice. Its member list (onChannelUserList, channelQueryUserNum) is of the users who joined it, not of every online user. Its attributes never expire.",
    status: 'implemented',
  },
  {
    name: '__agora_channel_event',
    scope: 'channel',
    legacy: 'Deprecated server-side channel whose members received every join and leave of every channel of the appId; it never expires.',
    here: 'Fed by the server on every node: each join and leave of any other channel of the app reaches its members as onMessageChannelReceive(\'__agora_channel_event\', account, uid, msg) from the user concerned, msg = `{"event":"join"|"leave","channel":"<name>","account":"<account>"}` (RTM members: ChannelMessage). The legacy wire format is not documented: this is sig2rtm\'s choice. Joins of `__agora_*` channels are not reported. Its attributes never expire.',
    status: 'implemented',
  },
  {
    name: '_member_num, _auto_update_num',
    scope: 'channel attribute',
    legacy: "_auto_update_num = n ≥ 1 made the system refresh _member_num (the member count) every n seconds; no update in a period in which nobody joined or left, one per period however many did; 0 (default) off.",
    here: "Written by the server: after the first join or leave of a period (or setting _auto_update_num), _member_num is refreshed n seconds later from the shared member count (right across nodes), and only if it differs from the stored value; members hear it as onChannelAttrUpdated(channel, '_member_num', count, 'update') (RTM: AttributesUpdated, lastUpdateUserId ''). Non-numeric or negative values count as 0. Two nodes with joins in the same period may both refresh; the second finds the value written and stays silent unless both read before either wrote (then members hear the same value twice).",
    status: 'implemented',
  },
  {
    name: '_total_member_num, _auto_update_total_num',
    scope: 'channel attribute',
    legacy: 'Deprecated: the accumulated number of users of the channel, refreshed every n seconds; needs _auto_update_num too; not supported by RTM.',
    here: "Written by the server like _member_num, at _auto_update_total_num's period, while both are non-zero: its first value is the member count at that moment, then each refresh adds the joins since (a member leaving and joining again counts twice). Each node adds the joins it hosted; two nodes refreshing at the same instant may lose one node's joins (a read-modify-write).",
    status: 'implemented',
  },
  {
    name: '_userNotification',
    scope: 'channel attribute',
    legacy: 'Deprecated: 0 turned off onChannelUserJoined / onChannelUserLeaved for the channel (advised above 1,000 members); default 1.',
    here: 'Honoured by the server: 0 stops join and leave events of the channel for every member (RTM members too: no MemberJoined / MemberLeft); counts (channelQueryUserNum, MemberCountUpdated) go on. Any other value, or none, sends them, up to RTM\'s 512 members (server option limits.memberEventsUpTo).',
    status: 'implemented',
  },
  {
    name: '_sendmsg_limit',
    scope: 'channel attribute',
    legacy: 'Channel messages per second for the whole channel, all senders together; excess messages dropped; default undocumented.',
    here: "Honoured by the server (whole numbers; 0, none or not a number: no limit): past it within any 1 s, a channel message is refused, and the sender gets onMessageSendError(msgID, 400) (RTM: ChannelMessageError TOO_OFTEN); nobody receives it. On top of the per-client rates.send (180 per 3 s). The window is kept per server node: on a cluster of n nodes a channel can carry up to n × the limit.",
    status: 'implemented',
  },
  {
    name: '_setattr_limit',
    scope: 'channel attribute',
    legacy: 'Updates per second of each channel attribute; default undocumented.',
    here: "Honoured by the server (whole numbers; 0, none or not a number: no limit): a write that would update one of its attributes more often than that within any 1 s is refused and changes nothing; the writer gets onError('channel_set_attr' | 'channel_del_attr' | 'channel_clear_attr', 1001, desc) (legacy documented no code; RTM: AttributeOperationError TOO_OFTEN). A clear counts as an update of every attribute. Per server node, like _sendmsg_limit.",
    status: 'implemented',
  },
  {
    name: '_conn_timeout',
    scope: 'user attribute',
    legacy: 'Seconds a dropped user still counted as online; default 120, clamped to 20–120 (documented 2018-11 to 2019-08).',
    here: "Honoured by the server: a session whose account has it set (setAttr; read at each login, and applied at once when set) stays online that many seconds (clamped to 20–120) after the last frame of a dropped connection, then goes offline (peers see OFFLINE, channels see it leave). Without it, the server's timings.offlineAfterMs applies (30 s, not legacy's 120 s: an operator's choice). Deleting it (setAttr with \"\") restores the default.",
    status: 'implemented',
  },
];
