/**
 * `sig2rtm/legacy`: the legacy Signaling API on sig2rtm.
 *
 *   import { AgoraAPI } from 'sig2rtm/legacy';
 *   const api = AgoraAPI.getInstance(appId, { serverUrl: 'ws://localhost:8080/rtm' });
 *   api.callbackSet(new (class extends AgoraAPI.CallBack { onLoginSuccess(uid: number) { … } })());
 *   api.login2(appId, 'alice', '_no_need_token', 0, '', 30, 3);
 *
 *   import Signal from 'sig2rtm/legacy';            // the web flavour, as agora-signaling-sdk
 *   const session = Signal(appId).login('alice', '_no_need_token');
 */

export { AgoraAPI, AgoraAPIOnlySignal, LEGACY_SDK_VERSION } from './legacy-api/native/agora-api';
export type { AgoraAPIOptions } from './legacy-api/native/agora-api';
export { CallBack } from './legacy-api/native/callback';
export type { ICallBack, CallbackName, CallbackArgs } from './legacy-api/native/callback';
export type { LegacyOptions, ClientFactory } from './legacy-api/engine/engine';
export { AgoraECode, ECODE, LoginState } from './mapping/legacy-codes';
export type { AgoraECodeName, AgoraECodeValue } from './mapping/legacy-codes';
export { DEFAULT_COMPAT, RTM_COMPAT, COMPAT_ROWS } from './mapping/compat';
export type { CompatOptions } from './mapping/compat';

// ---- web flavour --------------------------------------------------------------------------------
import AgoraRTM from './rtm';
import { makeSignal } from './legacy-api/web/signal';

/** The legacy web SDK's `Signal(appId)` (as in AgoraSig.js), in Node or a bundler. */
export const Signal = makeSignal((appId, config) => AgoraRTM.createInstance(appId, config));
/** The default export is `Signal`, as agora-signaling-sdk's was (`import Signal from 'sig2rtm/legacy'`). */
export default Signal;
export type SignalFactory = typeof Signal;
export { WEB_SDK_VERSION } from './legacy-api/web/signal';
export type { SignalInstance } from './legacy-api/web/signal';
export { Session } from './legacy-api/web/session';
export { Channel } from './legacy-api/web/channel';
export { Call } from './legacy-api/web/call';

// ---- gradual migration --------------------------------------------------------------------------
export { createSignaling, RoutedSignaling } from './migration/routing';
export type { CreateSignalingOptions, LegacySignalingApi, RoutingDecision } from './migration/routing';
export { evaluateFlag, rolloutBucket } from './migration/flag';
export type { FlagSource, FlagFunction, FlagContext, FlagDecision, Route } from './migration/flag';
