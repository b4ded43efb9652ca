/**
 * The sig2rtm server (`createServer`) in development mode (no certificate), with the legacy
 * gateway mounted at /gateway (docs/gateway-protocol.md) for the native-SDK target. Everything is
 * the default (limits, timings, exactly-once delivery, presence) except the per-client rate limits
 * a workload names in BENCH_LIFT_RATES (comma-separated names of DEFAULT_RATES), which are lifted.
 */

import { createServer } from '../../src/rtm-core/server/ws-server';
import { DEFAULT_RATES, type Rates } from '../../src/rtm-core/server/options';
import { attachGateway } from '../../src/gateway/gateway';
import { serveStats } from './serve-stats';

// "Unlimited" as { limit: 1, windowMs: 0 }: a window keeps a ring of `limit` call times, so a huge
// limit would allocate that many slots per session and rule (1e9 runs the server out of memory).
const lift = new Set((process.env.BENCH_LIFT_RATES ?? '').split(',').filter((r) => r !== ''));
for (const r of lift) if (!(r in DEFAULT_RATES)) throw new Error(`BENCH_LIFT_RATES: no rate ${r}`);
const rates = Object.fromEntries(Object.entries(DEFAULT_RATES).map(([k, v]) => [k, lift.has(k) ? { limit: 1, windowMs: 0 } : v])) as Rates;

void createServer({ port: 0, host: '127.0.0.1', rates }).then((server) => {
  attachGateway(server);
  serveStats(server.port);
});
