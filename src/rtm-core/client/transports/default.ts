/**
 * The transport used when the app names a server: the platform's WebSocket in a browser, `ws` in Node.
 * Browser bundles replace this module's `./node` import with nothing (see the bundler config).
 */

import { nodeTransport } from './node';
import type { TransportFactory } from './transport';
import { webSocketTransport, type WebSocketConstructor } from './websocket';

export function defaultTransport(): TransportFactory {
  const g = globalThis as { WebSocket?: unknown; window?: unknown };
  if (g.window !== undefined && typeof g.WebSocket === 'function') return webSocketTransport(g.WebSocket as WebSocketConstructor);
  return nodeTransport;
}
