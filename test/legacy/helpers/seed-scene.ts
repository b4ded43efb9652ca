/**
 * The test bed of test/legacy/seed-rows.test.ts: legacy instances on a shared real server, a
 * recorder that consumes callbacks in order (so a scenario asserts the exact callbacks each
 * instance got, nothing more), and the record of which legacy methods and callbacks a scenario
 * used (so a row naming `login`/`login2` fails unless both were exercised).
 */

import { crc32 } from 'node:zlib';
import { AgoraAPI, type AgoraAPIOptions, type ICallBack } from '../../../src/legacy';
import type { RtmClient } from '../../../src/rtm';
import { sleep } from '../../helpers/harness';

export type Entry = [string, ...unknown[]];

/** The uid legacy callbacks carry for `account` with compat uids 'stable': CRC-32 of its UTF-8 bytes. */
export const stableUid = (account: string): number => crc32(Buffer.from(account, 'utf8')) >>> 0;

/** Waits for an async check to pass (polling), failing with its last error. */
export async function eventually(check: () => Promise<void> | void, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(10);
    }
  }
}

/** Records an instance's callbacks (onLog apart) and hands them out in order. */
export class Recorder {
  readonly log: Entry[] = [];
  readonly lines: string[] = [];
  readonly cb: ICallBack;
  private cursor = 0;
  private readonly hooks = new Map<string, () => void>();

  constructor(private readonly used: Set<string>) {
    this.cb = new Proxy<ICallBack>({}, {
      get: (_t, name) => {
        if (typeof name !== 'string') return undefined;
        return (...args: unknown[]) => {
          if (name === 'onLog') {
            this.lines.push(String(args[0]));
            return;
          }
          this.log.push([name, ...args]);
          this.used.add(name);
          const hook = this.hooks.get(name);
          this.hooks.delete(name);
          hook?.();
        };
      },
    });
  }

  /** Runs `fn` inside the next `name` callback, as an app reacting to it would. */
  once(name: string, fn: () => void): void {
    this.hooks.set(name, fn);
  }

  /** Callbacks not yet consumed. */
  get pending(): Entry[] {
    return this.log.slice(this.cursor);
  }

  /** Waits for the next `n` callbacks and consumes them. */
  async take(n: number, ms = 3000): Promise<Entry[]> {
    const deadline = Date.now() + ms;
    while (this.log.length - this.cursor < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} more callback(s) within ${ms} ms, got ${JSON.stringify(this.pending)}`);
      await sleep(3);
    }
    const got = this.log.slice(this.cursor, this.cursor + n);
    this.cursor += n;
    return got;
  }

  /** The next callbacks are exactly `entries`, in this order. */
  async expect(...entries: Entry[]): Promise<void> {
    expect(await this.take(entries.length)).toEqual(entries);
  }

  /** The next callbacks are exactly `entries`, in any order (events from independent sources). */
  async expectUnordered(...entries: Entry[]): Promise<void> {
    const key = (e: Entry) => JSON.stringify(e);
    expect((await this.take(entries.length)).map(key).sort()).toEqual(entries.map(key).sort());
  }
}

/** A legacy instance in a scenario: `api` records the methods called on it; `raw` is the instance itself. */
export class LegacyUser {
  constructor(
    readonly api: AgoraAPI,
    readonly raw: AgoraAPI,
    readonly account: string,
    readonly rec: Recorder,
    /** The appId it was made with (what its login calls pass). */
    readonly appId: string,
  ) {}

  get uid(): number {
    return stableUid(this.account);
  }

  expect(...entries: Entry[]): Promise<void> {
    return this.rec.expect(...entries);
  }

  expectUnordered(...entries: Entry[]): Promise<void> {
    return this.rec.expectUnordered(...entries);
  }

  /** The RtmClient under the instance (the sig2rtm extension `getRtmClient()`). */
  rtm(): RtmClient {
    const c = this.raw.getRtmClient();
    if (!c) throw new Error(`${this.account} has no RtmClient`);
    return c;
  }
}

/** Wraps an instance so that every method called through it is recorded in `used`. */
export function tracked(api: AgoraAPI, used: Set<string>): AgoraAPI {
  return new Proxy(api, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        used.add(prop);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

let sequence = 0;
/** A name no other test of the run uses (RTM ids: letters and digits are always valid). */
export const unique = (tag: string): string => `${tag}${++sequence}`;

/** Where instances go: an appId and the server that knows it. */
export interface Env {
  appId: string;
  url(): string;
}

export interface InstanceOptions extends AgoraAPIOptions {
  /** Which server (default 'dev'). `serverUrl` still overrides the address (a proxy in front of it). */
  env?: 'dev' | 'cert';
  /** Make it with AgoraAPI.getInstance (the singleton) instead of createAgoraSDKInstance. */
  singleton?: boolean;
  /** The account; a unique one from the tag by default. */
  account?: string;
}

/** One test's legacy instances, and what they used; `cleanup` destroys them all. */
export class Scene {
  readonly used = new Set<string>();
  readonly users: LegacyUser[] = [];
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  constructor(private readonly envs: Record<'dev' | 'cert', Env>) {}

  /** A new instance with a recorder as its callback, not logged in. */
  instance(tag: string, options: InstanceOptions = {}): LegacyUser {
    const { singleton, account, env, ...rest } = options;
    const { appId, url } = this.envs[env ?? 'dev'];
    const opts: AgoraAPIOptions = {
      serverUrl: url(),
      ...rest,
      rtm: { reconnect: { minMs: 20, maxMs: 100 }, ...rest.rtm },
    };
    const raw = singleton ? AgoraAPI.getInstance(appId, opts) : AgoraAPI.createAgoraSDKInstance(appId, opts);
    this.used.add(singleton ? 'getInstance' : 'createAgoraSDKInstance');
    const rec = new Recorder(this.used);
    raw.callbackSet(rec.cb);
    const user = new LegacyUser(tracked(raw, this.used), raw, account ?? unique(tag), rec, appId);
    this.users.push(user);
    return user;
  }

  /** A logged-in instance (login2 with a short retry budget); onLoginSuccess consumed. */
  async online(tag: string, options: InstanceOptions & { token?: (account: string) => string } = {}): Promise<LegacyUser> {
    const { token, ...rest } = options;
    const u = this.instance(tag, rest);
    // Ten tries: the count also bounds reconnection after a drop (legacy), and a network-cut row needs a few.
    u.raw.login2(u.appId, u.account, token ? token(u.account) : '_no_need_token', 0, '', 5, 10);
    await u.expect(['onLoginSuccess', rest.compat?.uids === 'zero' ? 0 : u.uid, 0]);
    return u;
  }

  /** Runs `fn` at cleanup (after the instances are destroyed). */
  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /** Every instance has had all its callbacks consumed, after `ms` for stragglers to arrive. */
  async nothingElse(ms = 25): Promise<void> {
    await sleep(ms);
    for (const u of this.users) expect({ account: u.account, unexpected: u.rec.pending }).toEqual({ account: u.account, unexpected: [] });
  }

  async cleanup(): Promise<void> {
    for (const u of this.users.splice(0)) {
      const client = u.raw.getRtmClient();
      // The RTM logout is awaitable (the legacy one is not): the server has it before we go on.
      await client?.logout().catch(() => undefined);
      u.raw.destroy();
      const deadline = Date.now() + 2000;
      while (u.raw.getRtmClient() !== undefined && Date.now() < deadline) await sleep(2);
    }
    for (const fn of this.cleanups.splice(0)) await fn();
  }
}
