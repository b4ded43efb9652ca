/**
 * RTM codes → legacy ecodes. Each table is complete by construction: `satisfies Record<every RTM
 * code of the family, …>`, so adding a code to an RTM table without deciding its legacy code does not
 * compile. test/unit/mapping checks them row by row.
 */

import type { CodeOf } from '../rtm-core/protocol/codes';
import type {
  AttributeOperationError, ChannelMessageError, GetChannelMemberCountError, GetMembersError, JoinChannelError, LeaveChannelError, LoginError,
  PeerMessageError, QueryPeersOnlineStatusError,
} from '../rtm-core/protocol/codes';
import type { ConnectionChangeReason, LocalInvitationFailureReason } from '../rtm-core/client/status-codes';
import { AgoraECode as E, type AgoraECodeValue } from './legacy-codes';

type Table<T extends Record<string, number>> = Record<CodeOf<T>, AgoraECodeValue>;

/** `onLoginFailed(ecode)` for a failed RTM login. */
export const loginFailure = {
  0: E.SUCCESS,
  1: E.LOGIN_E_OTHER, // UNKNOWN
  2: E.LOGIN_E_FAILED, // REJECTED
  3: E.LOGIN_E_TOKENWRONG, // INVALID_ARGUMENT from the server: the token was issued for another user
  4: E.LOGIN_E_FAILED, // INVALID_APP_ID
  5: E.LOGIN_E_TOKENWRONG, // INVALID_TOKEN
  6: E.LOGIN_E_TOKENEXPIRED, // TOKEN_EXPIRED
  7: E.LOGIN_E_FAILED, // NOT_AUTHORIZED
  8: E.LOGIN_E_ALREADY_LOGIN, // ALREADY_LOGIN
  9: E.LOGIN_E_NET, // TIMEOUT
  10: E.LOGIN_E_OTHER, // TOO_OFTEN
  101: E.LOGIN_E_OTHER, // NOT_INITIALIZED
  201: E.LOGIN_E_CANCEL, // ABORTED_BY_LOGOUT
} as const satisfies Table<typeof LoginError>;

/** `onMessageSendError(msgID, ecode)` for a peer message. */
export const peerMessageFailure = {
  0: E.SUCCESS,
  1: E.SENDMESSAGE_E_OTHER, // FAILURE
  2: E.SENDMESSAGE_E_TIMEOUT, // TIMEOUT
  3: E.SENDMESSAGE_E_OTHER, // PEER_UNREACHABLE
  4: E.SUCCESS, // CACHED_BY_SERVER: the server has it, which is what legacy success meant
  5: E.SENDMESSAGE_E_OTHER, // TOO_OFTEN
  6: E.SENDMESSAGE_E_OTHER, // INVALID_USERID
  7: E.SENDMESSAGE_E_OTHER, // INVALID_MESSAGE
  8: E.SENDMESSAGE_E_OTHER, // INCOMPATIBLE_MESSAGE
  101: E.SENDMESSAGE_E_OTHER, // NOT_INITIALIZED
  102: E.SENDMESSAGE_E_OTHER, // USER_NOT_LOGGED_IN
} as const satisfies Table<typeof PeerMessageError>;

/** `onMessageSendError(msgID, ecode)` for a channel message. */
export const channelMessageFailure = {
  0: E.SUCCESS,
  1: E.SENDMESSAGE_E_OTHER,
  2: E.SENDMESSAGE_E_TIMEOUT,
  3: E.SENDMESSAGE_E_OTHER, // TOO_OFTEN: legacy dropped excess channel messages
  4: E.SENDMESSAGE_E_OTHER,
  5: E.SENDMESSAGE_E_OTHER, // NOT_IN_CHANNEL
  101: E.SENDMESSAGE_E_OTHER,
  102: E.SENDMESSAGE_E_OTHER,
} as const satisfies Table<typeof ChannelMessageError>;

/** `onChannelJoinFailed(channelID, ecode)`: legacy had one join code. */
export const joinFailure = {
  0: E.SUCCESS,
  1: E.JOINCHANNEL_E_OTHER,
  2: E.JOINCHANNEL_E_OTHER,
  3: E.JOINCHANNEL_E_OTHER,
  4: E.JOINCHANNEL_E_OTHER,
  5: E.JOINCHANNEL_E_OTHER,
  6: E.JOINCHANNEL_E_OTHER,
  7: E.JOINCHANNEL_E_OTHER,
  8: E.JOINCHANNEL_E_OTHER,
  101: E.JOINCHANNEL_E_OTHER,
  102: E.JOINCHANNEL_E_OTHER,
  201: E.JOINCHANNEL_E_OTHER,
  202: E.JOINCHANNEL_E_OTHER,
} as const satisfies Table<typeof JoinChannelError>;

/** `onChannelLeaved(channelID, ecode)` when a leave fails or is forced. */
export const leaveFailure = {
  0: E.SUCCESS,
  1: E.LEAVECHANNEL_E_OTHER,
  2: E.LEAVECHANNEL_E_OTHER,
  3: E.LEAVECHANNEL_E_OTHER, // NOT_IN_CHANNEL
  4: E.LEAVECHANNEL_E_KICKED,
  101: E.LEAVECHANNEL_E_OTHER,
  102: E.LEAVECHANNEL_E_LOGOUT,
} as const satisfies Table<typeof LeaveChannelError>;

/** `onChannelQueryUserNumResult(channelID, ecode, num)`. */
export const queryUserNumFailure = {
  0: E.SUCCESS,
  1: E.QUERYUSERNUM_E_OTHER,
  2: E.QUERYUSERNUM_E_OTHER,
  3: E.QUERYUSERNUM_E_OTHER,
  4: E.QUERYUSERNUM_E_TIMEOUT,
  5: E.QUERYUSERNUM_E_OTHER,
  101: E.QUERYUSERNUM_E_OTHER,
  102: E.QUERYUSERNUM_E_OTHER,
} as const satisfies Table<typeof GetChannelMemberCountError>;

/** `channelQueryUserIsIn` failing: `onError` codes. */
export const membersFailure = {
  0: E.SUCCESS,
  1: E.GENERAL_E_FAILED,
  2: E.GENERAL_E_FAILED,
  3: E.GENERAL_E_FAILED,
  4: E.GENERAL_E_FAILED,
  5: E.GENERAL_E_FAILED,
  101: E.GENERAL_E_NOT_LOGIN,
  102: E.GENERAL_E_NOT_LOGIN,
} as const satisfies Table<typeof GetMembersError>;

/** Online-status queries that fail: `onError` codes. */
export const queryStatusFailure = {
  0: E.SUCCESS,
  1: E.GENERAL_E_FAILED,
  2: E.GENERAL_E_WRONG_PARAM,
  3: E.GENERAL_E_FAILED,
  4: E.GENERAL_E_FAILED,
  5: E.GENERAL_E_FAILED,
  101: E.GENERAL_E_NOT_LOGIN,
  102: E.GENERAL_E_NOT_LOGIN,
} as const satisfies Table<typeof QueryPeersOnlineStatusError>;

/** Attribute calls that fail: `onError(name, ecode, desc)` (legacy attribute calls had no result callback). */
export const attributeFailure = {
  0: E.SUCCESS,
  1: E.GENERAL_E_FAILED, // NOT_READY
  2: E.GENERAL_E_FAILED, // FAILURE
  3: E.GENERAL_E_WRONG_PARAM, // INVALID_ARGUMENT
  4: E.GENERAL_E_LARGE_PARAM, // SIZE_OVERFLOW
  5: E.GENERAL_E_FAILED, // TOO_OFTEN
  6: E.GENERAL_E_FAILED, // USER_NOT_FOUND
  7: E.GENERAL_E_FAILED, // TIMEOUT
  101: E.GENERAL_E_NOT_LOGIN,
  102: E.GENERAL_E_NOT_LOGIN,
} as const satisfies Table<typeof AttributeOperationError>;

/** `onInviteFailed(…, ecode, …)` for each RTM LocalInvitation failure reason. */
export const inviteFailure = {
  PEER_OFFLINE: E.INVITE_E_PEEROFFLINE,
  PEER_NO_RESPONSE: E.INVITE_E_TIMEOUT,
  INVITATION_EXPIRE: E.INVITE_E_TIMEOUT,
  NOT_LOGGEDIN: E.INVITE_E_NET,
  UNKNOWN: E.INVITE_E_OTHER,
} as const satisfies Record<`${LocalInvitationFailureReason}`, AgoraECodeValue>;

/** `onLogout(ecode)` when RTM ends the session (ABORTED, or DISCONNECTED not asked for). */
export const logoutReason = {
  LOGIN: E.LOGOUT_E_OTHER,
  LOGIN_SUCCESS: E.LOGOUT_E_OTHER,
  LOGIN_FAILURE: E.LOGOUT_E_NET,
  LOGIN_TIMEOUT: E.LOGOUT_E_NET,
  INTERRUPTED: E.LOGOUT_E_NET,
  LOGOUT: E.LOGOUT_E_USER,
  BANNED_BY_SERVER: E.LOGOUT_E_OTHER,
  REMOTE_LOGIN: E.LOGOUT_E_KICKED,
  TOKEN_EXPIRED: E.LOGOUT_E_TOKENEXPIRED,
} as const satisfies Record<`${ConnectionChangeReason}`, AgoraECodeValue>;

/** Lookup that tolerates a code outside the table (a newer server): falls back to `otherwise`. */
export function legacyCode(table: Readonly<Record<number | string, AgoraECodeValue>>, code: number | string, otherwise: AgoraECodeValue): AgoraECodeValue {
  return table[code] ?? otherwise;
}
