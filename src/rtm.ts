/**
 * `sig2rtm/rtm`: a drop-in for agora-rtm-sdk 1.5.1.
 *
 *   import AgoraRTM from 'sig2rtm/rtm';
 *   const client = AgoraRTM.createInstance(appId, { serverUrl: 'ws://localhost:8080/rtm' });
 */

import { makeAgoraRTM } from './rtm-core/client/agora-rtm';
import { embeddedTransport } from './rtm-core/embedded';

const AgoraRTM = makeAgoraRTM(embeddedTransport);
export default AgoraRTM;
export type AgoraRTMNamespace = typeof AgoraRTM;

export { RtmClient } from './rtm-core/client/client';
export { RtmChannel } from './rtm-core/client/channel';
export { LocalInvitation, RemoteInvitation } from './rtm-core/client/invitation';
export * as RtmStatusCode from './rtm-core/client/status-codes';
export {
  RtmError, RtmInvalidArgumentError, RtmInvalidStatusError, RtmTimeoutError, RtmLimitExceededError,
  RtmInvokeTooOftenError, RtmUnavailableError, RtmUnauthenticatedError, RtmUnknownError, RtmInternalError,
} from './rtm-core/client/errors';
export type {
  RtmMessage, RtmTextMessage, RtmRawMessage, PeerMessageSendResult, ReceivedMessageProperties, SendMessageOptions,
  PeersOnlineStatusMap, PeersOnlineStatusResult, ChannelMemberCountResult, AttributesMap, ChannelAttributes,
  ChannelAttributeProperties, ChannelAttributeOptions, RtmConfig, LogFilterType, RtmClientEvents, RtmChannelEvents,
  LocalInvitationEvents, RemoteInvitationEvents,
} from './rtm-core/client/types';
export type { Sig2rtmClientConfig } from './rtm-core/client/config';
export * as RtmErrorCode from './rtm-core/protocol/codes';
