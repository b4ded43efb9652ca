/**
 * The `AgoraRTM` namespace object: the module's default export, as in agora-rtm-sdk 1.5.1
 * (`import AgoraRTM from 'agora-rtm-sdk'`, or the `AgoraRTM` global of the browser bundle).
 */

import { CreateInstanceError } from '../protocol/codes';
import { isValidAppId } from '../protocol/limits';
import { RtmClient } from './client';
import type { Sig2rtmClientConfig } from './config';
import { RtmInvalidArgumentError } from './errors';
import * as Codes from './status-codes';
import type { TransportFactory } from './transports/transport';
import type { LogFilterType } from './types';
import { END_CALL_PREFIX } from './end-call';


const filter = (error: boolean, warn: boolean, info: boolean): LogFilterType => ({ error, warn, info, track: info, debug: false });

/**
 * Builds the namespace around a way to reach the embedded core (browser bundles have none) and,
 * for browser bundles, the server address to use when the app names none.
 */
export function makeAgoraRTM(embedded: () => TransportFactory, defaultServerUrl: () => string | undefined = () => undefined) {
  return {
    VERSION: '1.5.1',
    BUILD: 'sig2rtm',
    END_CALL_PREFIX,
    LOG_FILTER_OFF: filter(false, false, false),
    LOG_FILTER_ERROR: filter(true, false, false),
    LOG_FILTER_WARNING: filter(true, true, false),
    LOG_FILTER_INFO: filter(true, true, true),
    ConnectionChangeReason: Codes.ConnectionChangeReason,
    ConnectionState: Codes.ConnectionState,
    LocalInvitationFailureReason: Codes.LocalInvitationFailureReason,
    LocalInvitationState: Codes.LocalInvitationState,
    RemoteInvitationState: Codes.RemoteInvitationState,
    RemoteInvitationFailureReason: Codes.RemoteInvitationFailureReason,
    MessageType: Codes.MessageType,
    PeerOnlineState: Codes.PeerOnlineState,
    PeerSubscriptionOption: Codes.PeerSubscriptionOption,
    AreaCode: Codes.AreaCode,
    /**
     * Creates a client. `config` takes the SDK's keys plus sig2rtm's (`serverUrl`, ...); the third
     * argument (legacy area codes) is accepted and ignored.
     */
    createInstance(appId: string, config?: Sig2rtmClientConfig, _areaCodes?: Codes.AreaCode[]): RtmClient {
      // With legacyNames (the legacy API), the server decides on the appId (`--dev` takes any).
      if (config?.legacyNames === true ? typeof appId !== 'string' || appId === '' : !isValidAppId(appId)) {
        throw new RtmInvalidArgumentError(CreateInstanceError.INVALID_ARGUMENT, 'appId must be 32 characters from [0-9A-Za-z]');
      }
      const fallback = config?.serverUrl === undefined ? defaultServerUrl() : undefined;
      return new RtmClient(appId, fallback === undefined ? config : { ...config, serverUrl: fallback }, embedded);
    },
    /** Region restriction: meaningless for a self-hosted server; accepted and ignored. */
    setArea(_areaConfig: { areaCodes: Codes.AreaCode[]; excludedArea?: Codes.AreaCode }): void {},
  };
}
