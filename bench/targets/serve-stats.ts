/**
 * What every server under test answers over IPC, besides serving its clients: its CPU time, its
 * memory (after a full GC when node runs with --expose-gc), and a CPU profile of a window the
 * orchestrator chooses (`profStart` … `profStop`, V8's sampling profiler through node:inspector, so
 * that a profile holds the workload and not the process's start-up). Also prints the port it listens on.
 */

import fs from 'node:fs';
import { Session } from 'node:inspector';
import { serve, type Handlers } from '../lib/rpc';
import { cpuMicros, now, sleep } from '../lib/clock';

let profiler: Session | undefined;

function post<T>(session: Session, method: string): Promise<T> {
  return new Promise<T>((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))));
}

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
    profStart: async () => {
      if (profiler) return null;
      profiler = new Session();
      profiler.connect();
      await post(profiler, 'Profiler.enable');
      await post(profiler, 'Profiler.start');
      return null;
    },
    /** Stops the profile and writes it (a .cpuprofile) to `file`; false when none was running. */
    profStop: async (a: { file: string }) => {
      if (!profiler) return false;
      const { profile } = await post<{ profile: unknown }>(profiler, 'Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      fs.writeFileSync(a.file, JSON.stringify(profile));
      return true;
    },
    /** Whether ws loaded its optional native add-ons in this process (WS_NO_BUFFER_UTIL / WS_NO_UTF_8_VALIDATE). */
    wsAddons: () => {
      const loaded = Object.keys(require.cache);
      return { bufferutil: loaded.some((k) => k.includes('/node_modules/bufferutil/')), utf8Validate: loaded.some((k) => k.includes('/node_modules/utf-8-validate/')) };
    },
    ...extra,
  });
  process.stdout.write(`PORT ${port}\n`);
}
