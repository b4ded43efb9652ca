/**
 * Compat options: each behavioural difference between legacy Signaling and RTM 1.x, with the legacy
 * behaviour as the default. A team migrating step by step switches one at a time to RTM behaviour.
 * MIGRATION.md lists them from this table.
 */

export interface CompatOptions {
  /** When `onMessageSendSuccess` fires: 'server' (legacy: the server accepted it) or 'peer' (RTM: the peer received it). */
  sendSuccess: 'server' | 'peer';
  /** Echo channel messages to their sender as `onMessageChannelReceive` (legacy) or not (RTM). */
  echoChannelMessages: boolean;
  /** Channels one login may be in: 1 (legacy; joining another leaves the current one) or up to 20 (RTM). */
  maxChannels: 1 | 20;
  /**
   * Where the user's own attributes live: 'account' (legacy: on the server with the account, durable,
   * readable by anyone whether or not the user is online; needs sig2rtm's server, else as 'instance'),
   * 'instance' (the instance keeps them and sets them again as RTM attributes at every login) or
   * 'login' (RTM: gone at logout).
   */
  userAttributes: 'account' | 'instance' | 'login';
  /** uids in callbacks: 'stable' (a fixed number per account, like the web SDK's server-assigned uid) or 'zero' (native docs: "fixed 0"). */
  uids: 'stable' | 'zero';
  /** After a join, report each existing channel attribute as an 'update' (web SDK behaviour) or not. */
  replayAttributesOnJoin: boolean;
  /** `onChannelUserList` carries at most this many users (legacy: the latest 200). */
  userListLimit: number;
  /**
   * Web `session.logout()` while logged in with no `onLogout` handler: 'ignore' (legacy: the 1.3/1.4
   * quirk, nothing happens and the session stays logged in) or 'logout' (RTM: it logs out).
   */
  logoutWithoutHandler: 'logout' | 'ignore';
}

export const DEFAULT_COMPAT: Readonly<CompatOptions> = {
  sendSuccess: 'server',
  echoChannelMessages: true,
  maxChannels: 1,
  userAttributes: 'account',
  uids: 'stable',
  replayAttributesOnJoin: true,
  userListLimit: 200,
  logoutWithoutHandler: 'ignore',
};

/** Compat values that give plain RTM behaviour, for teams that have finished migrating. */
export const RTM_COMPAT: Readonly<CompatOptions> = {
  sendSuccess: 'peer',
  echoChannelMessages: false,
  maxChannels: 20,
  userAttributes: 'login',
  uids: 'zero',
  replayAttributesOnJoin: false,
  userListLimit: 512,
  logoutWithoutHandler: 'logout',
};

export interface CompatRow {
  option: keyof CompatOptions;
  legacy: string;
  rtm: string;
  why: string;
  reference: string;
}

/** One row per option, for MIGRATION.md and the table test. */
export const COMPAT_ROWS = [
  {
    option: 'sendSuccess',
    legacy: "`'server'`: `onMessageSendSuccess` as soon as the server has the message",
    rtm: "`'peer'`: success only if the peer's client acknowledged it; otherwise `onMessageSendError(msgID, 400)`",
    why: 'Signaling acknowledged on server receipt; RTM reports whether the peer received it.',
    reference: 'seeds: Sending a peer-to-peer message, note 2; legacy-signaling.md §10',
  },
  {
    option: 'echoChannelMessages',
    legacy: '`true`: the sender also gets its own channel message',
    rtm: '`false`: only the other members get it',
    why: 'Signaling delivered channel messages to every member, the sender included; RTM skips the sender.',
    reference: 'seeds: Sending a channel message, note 3; legacy-signaling.md §3.2',
  },
  {
    option: 'maxChannels',
    legacy: '`1`: joining a channel first leaves the current one',
    rtm: '`20`: up to 20 channels at once',
    why: 'Signaling allowed one channel at a time per login; RTM allows 20.',
    reference: 'seeds: Joining or Leaving a Channel, note 2; legacy-signaling.md §3.2, §12',
  },
  {
    option: 'userAttributes',
    legacy: "`'account'`: the server keeps them with the account (durable store), readable by any user, online or not; `'instance'`: the instance sets them again as RTM attributes at every login (for other RTM servers)",
    rtm: "`'login'`: attributes end with the login",
    why: 'RTM user attributes belong to the online session; Signaling kept them with the account. RTM clients read account attributes with `client.sig2rtm.getAccountAttributes(account)`.',
    reference: 'rtm-1x.md §8.5; legacy-signaling.md §3.2',
  },
  {
    option: 'uids',
    legacy: "`'stable'`: each account gets a fixed 32-bit number (CRC-32 of the account)",
    rtm: "`'zero'`: every uid is 0",
    why: 'RTM has no numeric uids; the web SDK passed server-assigned numbers, the native docs say "fixed 0".',
    reference: 'legacy-signaling.md §10',
  },
  {
    option: 'replayAttributesOnJoin',
    legacy: "`true`: after `onChannelJoined` and `onChannelUserList`, one `onChannelAttrUpdated(…, 'update')` per existing attribute",
    rtm: '`false`: read them with `getChannelAttributes`',
    why: 'The web SDK replayed channel attributes on join; RTM pushes nothing on join.',
    reference: 'legacy-signaling.md §4.4, §8',
  },
  {
    option: 'userListLimit',
    legacy: '`200`: `onChannelUserList` carries at most 200 users',
    rtm: '`512`: `getMembers` returns at most 512',
    why: 'Documented list sizes of the two products.',
    reference: 'legacy-signaling.md §3.3; rtm-1x.md §6.2',
  },
  {
    option: 'logoutWithoutHandler',
    legacy: "`'ignore'`: web `session.logout()` while logged in does nothing unless an `onLogout` handler is set (the 1.3/1.4 quirk)",
    rtm: "`'logout'`: it logs out whether or not `onLogout` is set, as `RtmClient.logout()` does",
    why: 'The real web SDK (1.3.0 and 1.4.0) only logged out when the app had set onLogout; an app that never set it stayed logged in, and may rely on that.',
    reference: 'legacy-signaling.md §4.3',
  },
] as const satisfies readonly CompatRow[];

/** Every option has a row (checked by the compiler through this type and by the table test). */
export type CompatRowsCover = (typeof COMPAT_ROWS)[number]['option'] extends keyof CompatOptions
  ? keyof CompatOptions extends (typeof COMPAT_ROWS)[number]['option']
    ? true
    : never
  : never;
export const compatRowsCover: CompatRowsCover = true;
