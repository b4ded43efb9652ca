/**
 * Browser bundle: a drop-in for the legacy AgoraSig.js. Defines `window.Signal`.
 */

import { makeAgoraRTM } from '../rtm-core/client/agora-rtm';
import { makeSignal } from '../legacy-api/web/signal';
import { noEmbeddedCore, scriptServerUrl } from './server-address';

const serverUrl = scriptServerUrl();
const AgoraRTM = makeAgoraRTM(noEmbeddedCore, serverUrl);
const Signal = makeSignal((appId, config) => AgoraRTM.createInstance(appId, config));
(globalThis as { Signal?: unknown }).Signal = Signal;
export default Signal;
