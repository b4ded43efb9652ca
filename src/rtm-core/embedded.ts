/**
 * The embedded core: one RtmCore per process, reached without a socket. It is what an RtmClient
 * uses when no server address is configured, so that tests, demos and single-process apps need no
 * server at all. Clients of one process see each other through it.
 */

import { loopbackTransport } from './client/transports/loopback';
import type { TransportFactory } from './client/transports/transport';
import { RtmCore } from './server/core';
import type { CoreOptions } from './server/options';

let shared: RtmCore | undefined;

/** The process's embedded core, created on first use. */
export function embeddedCore(options?: CoreOptions): RtmCore {
  if (!shared) {
    shared = new RtmCore(options);
    void shared.start();
  }
  return shared;
}

export function embeddedTransport(): TransportFactory {
  return loopbackTransport(embeddedCore());
}

/** Closes the embedded core (its sessions end); the next client creates a fresh one. */
export async function resetEmbeddedCore(): Promise<void> {
  const core = shared;
  shared = undefined;
  await core?.close();
}
