/**
 * Targets (c) and (d): the sig2rtm server (`createServer`), in development mode (no certificate),
 * with every per-client rate limit relaxed so that the benchmark measures the server, not its
 * limits. Everything else (limits, timings, exactly-once delivery, presence) is the default.
 */

import { createServer } from '../../src/rtm-core/server/ws-server';
import { DEFAULT_RATES, type Rates } from '../../src/rtm-core/server/options';
import { serveStats } from './serve-stats';

// "Unlimited" as { limit: 1, windowMs: 0 }: a window keeps a ring of `limit` call times, so a huge
// limit would allocate that many slots per session and rule (1e9 runs the server out of memory).
const relaxed = Object.fromEntries(Object.keys(DEFAULT_RATES).map((k) => [k, { limit: 1, windowMs: 0 }])) as Rates;

void createServer({ port: 0, host: '127.0.0.1', rates: relaxed }).then((server) => {
  serveStats(server.port);
});
