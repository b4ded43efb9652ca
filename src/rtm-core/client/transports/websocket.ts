/**
 * A transport over any WHATWG-style WebSocket constructor: the browser's own, or `ws` in Node
 * (which implements the same interface).
 */

import type { WireData } from '../../protocol/codec';
import type { Transport, TransportFactory, TransportHandlers } from './transport';

/** The part of the WebSocket interface we use; both the browser's and `ws` satisfy it. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
}

/** `ws`'s extra: control frames as events. */
interface PingEmitter {
  on(event: 'ping', listener: () => void): unknown;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

export function webSocketTransport(WebSocketImpl: WebSocketConstructor): TransportFactory {
  return (url: string, handlers: TransportHandlers): Transport => {
    const ws = new WebSocketImpl(url);
    ws.binaryType = 'arraybuffer';
    let closed = false;
    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      handlers.onClose(code, reason);
    };
    ws.onopen = () => handlers.onOpen();
    ws.onmessage = (ev) => {
      const d = ev.data;
      if (typeof d === 'string') handlers.onMessage(d);
      else if (d instanceof ArrayBuffer) handlers.onMessage(new Uint8Array(d));
      else if (d instanceof Uint8Array) handlers.onMessage(d);
    };
    ws.onclose = (ev) => finish(ev.code, ev.reason);
    ws.onerror = () => undefined; // always followed by close
    // `ws` in Node is also an EventEmitter with a 'ping' event; a browser's WebSocket has neither.
    const emitter = ws as unknown as Partial<PingEmitter>;
    const hearsPings = typeof emitter.on === 'function';
    if (hearsPings) (emitter as PingEmitter).on('ping', () => handlers.onPing?.());
    return {
      hearsPings,
      send(data: WireData) {
        if (ws.readyState === OPEN) ws.send(data);
      },
      close(code = 1000, reason = '') {
        try {
          ws.close(code, reason);
        } catch {
          // closing a socket that never opened can throw in some implementations
        }
        // Report the close now: the app asked for it, and a dead network may never confirm it.
        finish(code, reason);
      },
    };
  };
}
