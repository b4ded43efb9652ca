/** Browser builds take this file instead of node.ts: the page's own WebSocket, and no `ws`. */

import { webSocketTransport, type WebSocketConstructor } from './websocket';

export const nodeTransport = webSocketTransport(
  function BrowserWebSocket(url: string) {
    return new (globalThis as unknown as { WebSocket: WebSocketConstructor }).WebSocket(url);
  } as unknown as WebSocketConstructor,
);
