/**
 * Helpers for tests of the legacy native API: a callback recorder (every ICallBack callback, in
 * order, with its arguments; onLog lines kept apart) and a harness that makes AgoraAPI instances on
 * the test server and cleans every one of them up (logout, destroy) before the server stops.
 */

import { crc32 } from 'node:zlib';
import { AgoraAPI, type AgoraAPIOptions, type ICallBack } from '../../../src/legacy';
import type { RtmClient } from '../../../src/rtm';
import { APP_ID, Harness, sleep, until } from '../../helpers/harness';

export type Entry = [string, ...unknown[]];

/** Records every callback an AgoraAPI instance delivers. */
export class Recorder {
  /** Every callback except onLog, in delivery order: [name, ...args]. */
  readonly log: Entry[] = [];
  /** onLog lines. */
  readonly lines: string[] = [];
  readonly cb: ICallBack;

  /** `seen`, when given, collects the name of every callback delivered (coverage checks). */
  constructor(seen?: Set<string>) {
    this.cb = new Proxy<ICallBack>({}, {
      get: (_t, name) => {
        if (typeof name !== 'string') return undefined;
        return (...args: unknown[]) => {
          seen?.add(name);
          if (name === 'onLog') this.lines.push(String(args[0]));
          else this.log.push([name, ...args]);
        };
      },
    });
  }

  /** Argument lists of every `name` callback so far. */
  of(name: string): unknown[][] {
    return this.log.filter((e) => e[0] === name).map((e) => e.slice(1));
  }

  names(): string[] {
    return this.log.map((e) => e[0]);
  }

  /** Waits for a `name` callback (matching `pred`) and returns its arguments. */
  async waitFor(name: string, pred: (args: unknown[]) => boolean = () => true, ms = 3000): Promise<unknown[]> {
    const find = () => this.log.find((e) => e[0] === name && pred(e.slice(1)));
    await until(() => find() !== undefined, ms, `${name} (got ${JSON.stringify(this.log)}; log ${JSON.stringify(this.lines)})`);
    return find()!.slice(1);
  }

  /** Waits until `n` `name` callbacks have arrived. */
  async waitCount(name: string, n: number, ms = 3000): Promise<unknown[][]> {
    await until(() => this.of(name).length >= n, ms, `${n} × ${name} (got ${JSON.stringify(this.log)})`);
    return this.of(name);
  }

  clear(): void {
    this.log.length = 0;
    this.lines.length = 0;
  }
}

export interface Legacy {
  api: AgoraAPI;
  rec: Recorder;
}

/** The uid a legacy callback carries for `account` with compat uids 'stable': CRC-32 of the account. */
export const stableUid = (account: string): number => crc32(account) >>> 0;

/** Time for anything that would wrongly arrive to arrive. */
export const settle = (ms = 150) => sleep(ms);

export class LegacyHarness {
  readonly h = new Harness();
  /** Every callback name delivered to any instance this harness made. */
  readonly seen = new Set<string>();
  private readonly instances: Legacy[] = [];

  /** A new AgoraAPI on the test server, with a recorder set as its callback. */
  make(options: AgoraAPIOptions = {}, appId = APP_ID): Legacy {
    const api = AgoraAPI.createAgoraSDKInstance(appId, {
      serverUrl: this.h.server.url,
      ...options,
      rtm: { reconnect: { minMs: 20, maxMs: 100 }, ...options.rtm },
    });
    const rec = new Recorder(this.seen);
    api.callbackSet(rec.cb);
    const l = { api, rec };
    this.instances.push(l);
    return l;
  }

  /** A logged-in instance; its recorder is cleared after onLoginSuccess. */
  async login(account: string, options: AgoraAPIOptions = {}): Promise<Legacy> {
    const l = this.make(options);
    await loginLegacy(l, account);
    return l;
  }

  async stop(): Promise<void> {
    for (const { api } of this.instances.splice(0)) {
      const client: RtmClient | undefined = api.getRtmClient();
      // The RTM logout is awaitable (the legacy one is not): the server has the logout before it closes.
      await client?.logout().catch(() => undefined);
      api.destroy();
    }
    await this.h.stop();
  }
}

/**
 * login2 with a short time budget, waiting for onLoginSuccess; clears the recorder. Ten tries: the
 * count also bounds reconnection after a drop (legacy), and network-cut tests need a few.
 */
export async function loginLegacy({ api, rec }: Legacy, account: string, token = '_no_need_token'): Promise<void> {
  api.login2(APP_ID, account, token, 0, '', 5, 10);
  await rec.waitFor('onLoginSuccess');
  rec.clear();
}
