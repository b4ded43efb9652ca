/**
 * Browser bundle: a drop-in for agora-rtm-sdk 1.x (UMD): `window.AgoraRTM` from a script tag,
 * `module.exports` / `define` otherwise.
 */

import { makeAgoraRTM } from '../rtm-core/client/agora-rtm';
import { embeddedTransport } from '../rtm-core/embedded.browser';
import { scriptServerUrl } from './server-address';
import { loadedByScriptTag } from './umd';

const AgoraRTM = makeAgoraRTM(embeddedTransport, scriptServerUrl(loadedByScriptTag));
export default AgoraRTM;
