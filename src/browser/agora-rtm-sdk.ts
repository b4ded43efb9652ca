/**
 * Browser bundle: a drop-in for agora-rtm-sdk 1.x loaded by a script tag. Defines `window.AgoraRTM`.
 */

import { makeAgoraRTM } from '../rtm-core/client/agora-rtm';
import { noEmbeddedCore, scriptServerUrl } from './server-address';

const AgoraRTM = makeAgoraRTM(noEmbeddedCore, scriptServerUrl());
(globalThis as { AgoraRTM?: unknown }).AgoraRTM = AgoraRTM;
export default AgoraRTM;
