/**
 * The embedded core's transport: client and server in one process, no socket. Frames are still
 * encoded and decoded, and delivered asynchronously, so the embedded mode behaves like the network
 * mode (same validation, same ordering), just without the kernel in between.
 */

import type { WireData } from '../../protocol/codec';
import { Connection } from '../../server/connection';
import type { RtmCore } from '../../server/core';
import type { Transport, TransportFactory, TransportHandlers } from './transport';

export function loopbackTransport(core: RtmCore): TransportFactory {
  return (_url: string, handlers: TransportHandlers): Transport => {
    let open = true;
    const shut = (code: number, reason: string) => {
      if (!open) return;
      open = false;
      queueMicrotask(() => {
        conn.closed();
        handlers.onClose(code, reason);
      });
    };
    const conn = new Connection(core, {
      send: (data) => {
        if (open) queueMicrotask(() => open && handlers.onMessage(data));
      },
      close: (code, reason) => shut(code, reason),
    });
    queueMicrotask(() => open && handlers.onOpen());
    return {
      send(data: WireData) {
        if (open) queueMicrotask(() => open && conn.receive(data));
      },
      close(code = 1000, reason = '') {
        shut(code, reason);
      },
    };
  };
}
