/**
 * Browser bundle: a drop-in for the legacy AgoraSig.js / agora-signaling-sdk (UMD): `window.Signal`
 * from a script tag, `module.exports` / `define` otherwise. From a script tag it also defines the
 * legacy file's other globals (legacy-signaling.md §4.1): the LOGIN_STATE_* constants,
 * SIGNALING_SDK_VERSION and the `Signal_` constructor.
 */

import { makeAgoraRTM } from '../rtm-core/client/agora-rtm';
import { embeddedTransport } from '../rtm-core/embedded.browser';
import { makeSignal, WEB_SDK_VERSION } from '../legacy-api/web/signal';
import { scriptServerUrl } from './server-address';
import { loadedByScriptTag } from './umd';

const AgoraRTM = makeAgoraRTM(embeddedTransport, scriptServerUrl(loadedByScriptTag));
const Signal = makeSignal((appId, config) => AgoraRTM.createInstance(appId, config));

if (loadedByScriptTag) {
  Object.assign(globalThis, {
    LOGIN_STATE_NOT_LOGIN: 0,
    LOGIN_STATE_LOGINING: 1,
    LOGIN_STATE_LOGINED: 2,
    LOGIN_STATE_RECONNECTING: 3,
    SIGNALING_SDK_VERSION: WEB_SDK_VERSION,
    Signal_: Signal,
  });
}
export default Signal;
