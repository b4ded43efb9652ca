/**
 * Official agora-rtm-sdk 1.x error codes, one `as const` table per API family (rtm-1x.md §5.2).
 * The numbers are identical on Web and C++ where both exist; the server answers with these, and the
 * client puts them on `err.code`, so apps that branch on `err.code` keep working.
 */

export const LoginError = {
  OK: 0, UNKNOWN: 1, REJECTED: 2, INVALID_ARGUMENT: 3, INVALID_APP_ID: 4, INVALID_TOKEN: 5,
  TOKEN_EXPIRED: 6, NOT_AUTHORIZED: 7, ALREADY_LOGIN: 8, TIMEOUT: 9, TOO_OFTEN: 10,
  NOT_INITIALIZED: 101, ABORTED_BY_LOGOUT: 201,
} as const;

export const LogoutError = { OK: 0, REJECTED: 1, NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102 } as const;

export const RenewTokenError = {
  OK: 0, FAILURE: 1, INVALID_ARGUMENT: 2, REJECTED: 3, TOO_OFTEN: 4, TOKEN_EXPIRED: 5, INVALID_TOKEN: 6,
  NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102, ABORTED_BY_LOGOUT: 201,
} as const;

export const PeerMessageError = {
  OK: 0, FAILURE: 1, TIMEOUT: 2, PEER_UNREACHABLE: 3, CACHED_BY_SERVER: 4, TOO_OFTEN: 5, INVALID_USERID: 6,
  INVALID_MESSAGE: 7, INCOMPATIBLE_MESSAGE: 8, NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102,
} as const;

export const ChannelMessageError = {
  OK: 0, FAILURE: 1, TIMEOUT: 2, TOO_OFTEN: 3, INVALID_MESSAGE: 4, NOT_IN_CHANNEL: 5,
  NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102,
} as const;

export const JoinChannelError = {
  OK: 0, FAILURE: 1, REJECTED: 2, INVALID_ARGUMENT: 3, TIMEOUT: 4, EXCEED_LIMIT: 5, ALREADY_JOINED: 6,
  TOO_OFTEN: 7, JOIN_SAME_CHANNEL_TOO_OFTEN: 8, NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102,
  ABORTED_BY_LEAVE: 201, ALREADY_JOINED_CHANNEL_OF_SAME_ID: 202,
} as const;

export const LeaveChannelError = {
  OK: 0, FAILURE: 1, REJECTED: 2, NOT_IN_CHANNEL: 3, KICKED: 4, NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102,
} as const;

export const GetMembersError = {
  OK: 0, FAILURE: 1, REJECTED: 2, TIMEOUT: 3, TOO_OFTEN: 4, NOT_IN_CHANNEL: 5, NOT_INITIALIZED: 101,
  USER_NOT_LOGGED_IN: 102,
} as const;

export const QueryPeersOnlineStatusError = {
  OK: 0, FAILURE: 1, INVALID_ARGUMENT: 2, REJECTED: 3, TIMEOUT: 4, TOO_OFTEN: 5, NOT_INITIALIZED: 101,
  USER_NOT_LOGGED_IN: 102,
} as const;

export const PeerSubscriptionStatusError = {
  OK: 0, FAILURE: 1, INVALID_ARGUMENT: 2, REJECTED: 3, TIMEOUT: 4, TOO_OFTEN: 5, OVERFLOW: 6,
  NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102,
} as const;

export const QueryPeersBySubscriptionOptionError = {
  OK: 0, FAILURE: 1, TIMEOUT: 2, TOO_OFTEN: 3, NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102,
} as const;

export const AttributeOperationError = {
  OK: 0, NOT_READY: 1, FAILURE: 2, INVALID_ARGUMENT: 3, SIZE_OVERFLOW: 4, TOO_OFTEN: 5, USER_NOT_FOUND: 6,
  TIMEOUT: 7, NOT_INITIALIZED: 101, USER_NOT_LOGGED_IN: 102,
} as const;

export const GetChannelMemberCountError = {
  OK: 0, FAILURE: 1, INVALID_ARGUMENT: 2, TOO_OFTEN: 3, TIMEOUT: 4, EXCEED_LIMIT: 5, NOT_INITIALIZED: 101,
  USER_NOT_LOGGED_IN: 102,
} as const;

export const InvitationApiCallError = {
  OK: 0, INVALID_ARGUMENT: 1, NOT_STARTED: 2, ALREADY_END: 3, ALREADY_ACCEPT: 4, ALREADY_SENT: 5,
} as const;

export const CreateChannelError = { INVALID_ARGUMENT: 1 } as const;
export const CreateInstanceError = { INVALID_ARGUMENT: 1 } as const;

/** The numeric values of one code table. */
export type CodeOf<T extends Record<string, number>> = T[keyof T];

/**
 * Frame-level protocol errors (our own; no RTM API owns them). Sent in an `error` frame when a frame
 * cannot be tied to a request, for example when it is not JSON at all.
 */
export const ProtocolError = {
  /** Not valid JSON, or not an object with a known `t`. */
  BAD_FRAME: 1,
  /** The handshake names a protocol version this server does not speak. */
  UNSUPPORTED_VERSION: 2,
  /** A request arrived before `login` on this connection. */
  NOT_LOGGED_IN: 3,
  /** Too many bad frames: the connection is closed after this one. */
  TOO_MANY_ERRORS: 4,
  /** The server is shutting down; reconnect (possibly elsewhere). */
  GOING_AWAY: 5,
  /** Pings faster than the server's ping rate: not answered, and counted as bad frames. */
  TOO_OFTEN: 6,
  /** A request id the session already used for another request (or released): not run. */
  REUSED_REQUEST_ID: 7,
} as const;
export type ProtocolErrorCode = CodeOf<typeof ProtocolError>;
