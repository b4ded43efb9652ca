/**
 * What the client needs from a connection to the server. Implementations: `ws` in Node, the
 * native WebSocket in browsers, and the in-process loopback of the embedded core.
 */

import type { WireData } from '../../protocol/codec';

export interface TransportHandlers {
  onOpen(): void;
  onMessage(data: WireData): void;
  /** Called once, whether the close was ours, the server's or the network's. */
  onClose(code: number, reason: string): void;
  /** A WebSocket ping frame arrived (answered by the WebSocket stack itself); only where `hearsPings`. */
  onPing?(): void;
}

export interface Transport {
  send(data: WireData): void;
  close(code?: number, reason?: string): void;
  /**
   * True when the transport reports the server's WebSocket pings (`ws` in Node does; a browser's
   * WebSocket answers them but never tells the page): the client then needs no heartbeat of its own.
   */
  readonly hearsPings?: boolean;
}

/** Opens a transport to `url`; it reports through `handlers`. */
export type TransportFactory = (url: string, handlers: TransportHandlers) => Transport;
