/**
 * The wire protocol: every frame is a member of `ClientFrame` (client → server) or `ServerFrame`
 * (server → client), discriminated by `t`. Requests carry a request id `rid`; the server answers each
 * with one `res` frame carrying either the result or the official numeric error code of that API.
 * Everything the server pushes unprompted travels in a `push` frame with a per-session sequence
 * number, acknowledged by the client, which is what makes delivery exactly-once across reconnects.
 *
 * Text frames are JSON. A frame holding bytes (a RAW message) is sent as a binary frame; see codec.ts.
 */

/** Bumped on any incompatible change; the login handshake carries it. */
export const PROTOCOL_VERSION = 1;

export type PeerOnlineStateName = 'ONLINE' | 'UNREACHABLE' | 'OFFLINE';

/** Call-invitation signals (rtm-1x.md §8.6) travel as peer messages of their own type. */
export type CallKind = 'invite' | 'cancel' | 'accept' | 'acceptAck' | 'reject';
export interface CallSignal {
  kind: CallKind;
  /** Invitation id; "0" for the legacy end-call message (§8.7). */
  callId: string;
  /** Informational channel id ("" when not set). */
  channelId: string;
  /** The invitation's content (invite, cancel) or response (accept, reject). */
  extra: string;
}

/** A message as it travels: TEXT, RAW bytes with an optional description, or a call signal. */
export type WireMessage =
  | { type: 'TEXT'; text: string }
  | { type: 'RAW'; raw: Uint8Array; desc: string }
  | { type: 'CALL'; call: CallSignal };

/** An attribute change, as the server applies it atomically. */
export type AttributeChange =
  | { op: 'set'; attrs: Record<string, string> }
  | { op: 'add'; attrs: Record<string, string> }
  | { op: 'del'; keys: string[] }
  | { op: 'clear' };

export interface ChannelAttributeValue {
  value: string;
  lastUpdateUserId: string;
  lastUpdateTs: number;
}

/** How a session was ended by the server; mirrors the SDK's ABORTED reasons. */
export type KickReason = 'REMOTE_LOGIN' | 'TOKEN_EXPIRED' | 'BANNED_BY_SERVER' | 'INTERRUPTED';

// ---- client → server -------------------------------------------------------------------------

/** Requests: each has a `rid` and gets exactly one `res`. */
export type ClientRequest =
  | {
      t: 'login';
      rid: number;
      /** Protocol version spoken by the client. */
      v: number;
      appId: string;
      uid: string;
      token?: string;
      /** Resume an existing session after a network drop: its id and the last push seq received. */
      resume?: { sid: string; ack: number };
      /**
       * Extension beat/1: how this client keeps the link alive. 'ws': it hears the server's
       * WebSocket pings and sends no heartbeat; 'json': it cannot hear them (a browser) and sends a JSON
       * ping every `hb` ms. Absent (older clients): a JSON ping every heartbeatMs.
       */
      beat?: 'ws' | 'json';
    }
  | { t: 'logout'; rid: number }
  | { t: 'renew'; rid: number; token: string }
  | { t: 'peer'; rid: number; to: string; msg: WireMessage; offline?: boolean }
  | { t: 'join'; rid: number; ch: string }
  | { t: 'leave'; rid: number; ch: string }
  | { t: 'chmsg'; rid: number; ch: string; msg: WireMessage }
  | { t: 'members'; rid: number; ch: string }
  | { t: 'counts'; rid: number; chs: string[] }
  | { t: 'query'; rid: number; uids: string[] }
  | { t: 'sub'; rid: number; uids: string[] }
  | { t: 'unsub'; rid: number; uids: string[] }
  /** Change the caller's own user attributes. */
  | { t: 'uattr'; rid: number; change: AttributeChange }
  /** Read a user's attributes (all, or `keys`). */
  | { t: 'uattrGet'; rid: number; uid: string; keys?: string[] }
  /** Change a channel's attributes (no need to be a member); `notify` pushes the result to members. */
  | { t: 'cattr'; rid: number; ch: string; change: AttributeChange; notify: boolean }
  | { t: 'cattrGet'; rid: number; ch: string; keys?: string[] }
  /** sig2rtm extension: a channel message from a non-member (legacy `messageChannelSendForce`). */
  | { t: 'chmsgOut'; rid: number; ch: string; msg: WireMessage }
  /** sig2rtm extension: a channel's members without joining it (legacy `channelQueryUserIsIn`, `invoke`). */
  | { t: 'membersOut'; rid: number; ch: string }
  | LegacyRequest;

/**
 * Protocol extension `legacy/1` (see protocol/EXTENSIONS.md): what legacy Signaling had and RTM
 * lacks, carried by our own server for the legacy API.
 */
export type LegacyRequest =
  /** Member counts on demand, outside RTM's one-per-second `counts` rate (legacy `channelQueryUserNum`). */
  | { t: 'legacyCounts'; rid: number; chs: string[] }
  /** Sets (value non-empty) or deletes (value "") one attribute of the caller's account; durable, outlives logins. */
  | { t: 'legacyUattr'; rid: number; name: string; value: string }
  /** Reads an account's attributes (all, or `keys`), whether or not it is online. */
  | { t: 'legacyUattrGet'; rid: number; uid: string; keys?: string[] };

/** Named, versioned protocol extensions this build speaks. */
export const PROTOCOL_EXTENSIONS = { legacy: 1, beat: 1 } as const;

/** Fire-and-forget frames. */
export type ClientNotice =
  /** Heartbeat; the server answers with `pong`. */
  | { t: 'ping' }
  /** Cumulative acknowledgement of every push up to and including `seq`. */
  /**
   * `seq`: every push up to it arrived. `done` (optional): the client has the answer of every
   * request below this rid, so the server may forget them (it keeps them to answer re-sends).
   */
  | { t: 'ack'; seq: number; done?: number };

export type ClientFrame = ClientRequest | ClientNotice;
export type RequestType = ClientRequest['t'];
export type RequestOf<T extends RequestType> = Extract<ClientRequest, { t: T }>;

/** What a successful `res` carries, per request type. */
export interface ResultMap {
  login: {
    /** Session id, to resume with. */
    sid: string;
    /** True when an existing session was resumed (channels, subscriptions kept). */
    resumed: boolean;
    /** Heartbeat interval the client should use, ms. */
    hb: number;
    /** Extension beat/1, for a client that said `beat`: the server pings it (or hears from it) at least this often, ms. */
    ping?: number;
    /** Server time, ms. */
    now: number;
  };
  logout: null;
  renew: null;
  peer: {
    received: boolean;
    /** Cached for an offline receiver (≤1.4 offline messaging). */
    cached?: boolean;
    /** Nobody is logged in as the receiver. */
    absent?: boolean;
  };
  join: { count: number };
  leave: null;
  chmsg: null;
  members: { uids: string[] };
  counts: { counts: Record<string, number> };
  query: { online: Record<string, boolean> };
  sub: { states: Record<string, PeerOnlineStateName> };
  unsub: null;
  uattr: null;
  uattrGet: { attrs: Record<string, string> };
  cattr: null;
  cattrGet: { attrs: Record<string, ChannelAttributeValue> };
  chmsgOut: null;
  membersOut: { uids: string[] };
  legacyCounts: { counts: Record<string, number> };
  legacyUattr: null;
  legacyUattrGet: { attrs: Record<string, string> };
}

// ---- server → client -------------------------------------------------------------------------

/** Events pushed to a session, each inside a sequenced `push` frame. */
export type PushEvent =
  | { e: 'peer'; from: string; msg: WireMessage; ts: number; offline?: boolean }
  | { e: 'chmsg'; ch: string; from: string; msg: WireMessage; ts: number }
  | { e: 'joined'; ch: string; uid: string }
  | { e: 'left'; ch: string; uid: string }
  | { e: 'count'; ch: string; n: number }
  | { e: 'presence'; states: Record<string, PeerOnlineStateName> }
  | { e: 'tokenWillExpire' }
  /**
   * A channel's full attribute set after a change made with `notify`; `change` (extension legacy/1)
   * is the operation that produced it, so that legacy clients report exactly what was done.
   */
  | { e: 'attrs'; ch: string; attrs: Record<string, ChannelAttributeValue>; change?: AttributeChange };

export type ServerFrame =
  | { t: 'res'; rid: number; ok: true; data: unknown }
  | { t: 'res'; rid: number; ok: false; code: number; msg: string }
  | { t: 'push'; seq: number; ev: PushEvent }
  | { t: 'pong' }
  /** The session is over (ABORTED on the client); the socket closes after it. */
  | { t: 'kick'; reason: KickReason }
  /** A frame-level error not tied to a request (see ProtocolError). */
  | { t: 'error'; code: number; msg: string };
