/** The default transport in Node: `ws`. Kept in its own module so browser bundles can leave `ws` out. */

import WebSocket from 'ws';
import { webSocketTransport, type WebSocketConstructor } from './websocket';

export const nodeTransport = webSocketTransport(WebSocket as unknown as WebSocketConstructor);
