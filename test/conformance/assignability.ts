/**
 * sig2rtm's classes and namespace are assignable to agora-rtm-sdk 1.5.1's declared types, so code
 * holding an official `RtmClient` can be handed ours.
 */

import type OfficialAgoraRTM from 'agora-rtm-sdk';
import type * as Official from 'agora-rtm-sdk';
import AgoraRTM from '../../src/rtm';
import type { LocalInvitation, RemoteInvitation, RtmChannel, RtmClient, RtmMessage } from '../../src/rtm';

type Assert<T extends true> = T;
type Assignable<A, B> = [A] extends [B] ? true : false;

export type ClientOk = Assert<Assignable<RtmClient, Official.RtmClient>>;
export type ChannelOk = Assert<Assignable<RtmChannel, Official.RtmChannel>>;
export type LocalInvitationOk = Assert<Assignable<LocalInvitation, Official.LocalInvitation>>;
export type RemoteInvitationOk = Assert<Assignable<RemoteInvitation, Official.RemoteInvitation>>;
export type MessageOk = Assert<Assignable<RtmMessage, Official.RtmMessage>>;

export const namespace: typeof OfficialAgoraRTM = AgoraRTM;
