/**
 * What every server under test answers over IPC, besides serving its clients: its CPU time and its
 * memory (after a full GC when node runs with --expose-gc). Also prints the port it listens on.
 */

import { serve, type Handlers } from '../lib/rpc';
import { cpuMicros, now, sleep } from '../lib/clock';

export function serveStats(port: number, extra: Handlers = {}): void {
  serve({
    cpu: () => ({ cpuMicros: cpuMicros(), at: now() }),
    mem: async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        for (let i = 0; i < 3; i++) {
          gc();
          await sleep(50);
        }
      }
      const m = process.memoryUsage();
      return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
    },
    ...extra,
  });
  process.stdout.write(`PORT ${port}\n`);
}
