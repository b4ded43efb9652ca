/**
 * Browser builds have no embedded core: bundlers take this file instead of embedded.ts (package.json
 * "browser" builds and the script bundles, scripts/build-browser.mjs). A client with no server
 * address therefore fails at once, saying how to give one, instead of trying the page's own origin.
 */

import type { TransportFactory } from './client/transports/transport';

export const NO_SERVER_ADDRESS =
  'sig2rtm: no server address. Set window.SIG2RTM_SERVER_URL = "wss://your-server/rtm" before the SDK creates a client, '
  + 'or pass { serverUrl: "wss://your-server/rtm" } to AgoraRTM.createInstance(appId, config) / Signal(appId, config).';

export function embeddedTransport(): TransportFactory {
  console.error(NO_SERVER_ADDRESS);
  throw new Error(NO_SERVER_ADDRESS);
}
