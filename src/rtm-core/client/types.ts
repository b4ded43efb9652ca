/**
 * The public data shapes of agora-rtm-sdk 1.5.1 (plus the ≤1.4 send options), as the SDK declares
 * them, and the event maps of each emitter.
 */

import type { AttributeChange } from '../protocol/frames';
import type { RemoteInvitation } from './invitation';
import type { LocalInvitationFailureReason, RemoteInvitationFailureReason, ConnectionChangeReason, ConnectionState, PeerOnlineState } from './status-codes';

export interface RtmTextMessage {
  text: string;
  messageType?: 'TEXT';
  rawMessage?: never;
  description?: never;
}

export interface RtmRawMessage {
  rawMessage: Uint8Array;
  description?: string;
  messageType?: 'RAW';
  text?: never;
}

export type RtmMessage = RtmTextMessage | RtmRawMessage;

export interface PeerMessageSendResult {
  hasPeerReceived: boolean;
}

export interface ReceivedMessageProperties {
  /** When the server received the message, ms. For display, not ordering. */
  serverReceivedTs: number;
  /** ≤1.4: the message was cached while the receiver was offline. */
  isOfflineMessage?: boolean;
}

/** ≤1.4 third argument of `sendMessageToPeer` (and second of `RtmChannel.sendMessage`). */
export interface SendMessageOptions {
  enableOfflineMessaging?: boolean;
  enableHistoricalMessaging?: boolean;
}

export interface PeersOnlineStatusMap {
  [peerId: string]: PeerOnlineState;
}

export interface PeersOnlineStatusResult {
  [peerId: string]: boolean;
}

export interface ChannelMemberCountResult {
  [channelId: string]: number;
}

export interface AttributesMap {
  [key: string]: string;
}

export interface ChannelAttributeProperties {
  value: string;
  lastUpdateUserId: string;
  lastUpdateTs: number;
}

export interface ChannelAttributes {
  [key: string]: ChannelAttributeProperties;
}

export interface ChannelAttributeOptions {
  enableNotificationToChannelMembers?: boolean;
}

export type LogFilterType = { error: boolean; warn: boolean; info: boolean; track: boolean; debug: boolean };

export interface RtmConfig {
  enableLogUpload?: boolean;
  logFilter?: LogFilterType;
  enableCloudProxy?: boolean;
}

export interface RtmClientEvents {
  MessageFromPeer: (message: RtmMessage, peerId: string, messageProps: ReceivedMessageProperties) => void;
  ConnectionStateChanged: (newState: ConnectionState, reason: ConnectionChangeReason) => void;
  RemoteInvitationReceived: (remoteInvitation: RemoteInvitation) => void;
  TokenExpired: () => void;
  TokenPrivilegeWillExpire: () => void;
  PeersOnlineStatusChanged: (status: PeersOnlineStatusMap) => void;
  FallbackProxyConnected: () => void;
  /**
   * sig2rtm extension: the peer sent the legacy end-call (`END_CALL_PREFIX`) for a call that has no
   * open invitation here any more (it was accepted, or we are its caller). Legacy Signaling's
   * `channelInviteEnd` works at any time; this is how that reaches the other side.
   */
  CallEndedByPeer: (peerId: string, channelId: string, extra: string) => void;
  /**
   * sig2rtm extension: while RECONNECTING, the n-th reconnection attempt of this outage is under way
   * (1, 2, 3, …; the count restarts after each return). Legacy `onReconnecting(nretry)` counts these.
   */
  ReconnectAttempt: (n: number) => void;
}

export interface RtmChannelEvents {
  ChannelMessage: (message: RtmMessage, memberId: string, messagePros: ReceivedMessageProperties) => void;
  MemberLeft: (memberId: string) => void;
  MemberJoined: (memberId: string) => void;
  AttributesUpdated: (attributes: ChannelAttributes) => void;
  MemberCountUpdated: (memberCount: number) => void;
  /**
   * sig2rtm extension (protocol legacy/1): emitted just before `AttributesUpdated` with the
   * operation that produced the new set (`add`/`set` with its attributes, `del` with its keys, or
   * `clear`), so that legacy `onChannelAttrUpdated` reports exactly what was done.
   */
  AttributesChanged: (attributes: ChannelAttributes, change: AttributeChange) => void;
}

export interface LocalInvitationEvents {
  LocalInvitationAccepted: (response: string) => void;
  LocalInvitationRefused: (response: string) => void;
  LocalInvitationReceivedByPeer: () => void;
  LocalInvitationCanceled: () => void;
  LocalInvitationFailure: (reason: LocalInvitationFailureReason) => void;
}

export interface RemoteInvitationEvents {
  RemoteInvitationCanceled: (content: string) => void;
  RemoteInvitationRefused: () => void;
  RemoteInvitationAccepted: () => void;
  RemoteInvitationFailure: (reason: RemoteInvitationFailureReason) => void;
}
