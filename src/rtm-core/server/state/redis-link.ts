/**
 * The connections of one node to Redis (ioredis): one for commands, one for pub/sub (a subscribed
 * connection can run nothing else). Both reconnect by themselves; the subscriber re-subscribes.
 *
 * Commands never queue while Redis is away (`enableOfflineQueue: false`) and time out after
 * `commandTimeoutMs`: a request that needs Redis then fails at once with a clear error instead of
 * hanging, and nothing is replayed later behind the client's back. Health and counters are kept
 * here for /readyz and /metrics.
 */

import { Redis } from 'ioredis';
import { RequestFailure } from '../handlers/context';

export interface RedisLinkOptions {
  /** redis://[user:password@]host:port[/db], or rediss:// for TLS. */
  url: string;
  /** Prefix of every key and pub/sub channel, so that several clusters can share one Redis. */
  prefix?: string;
  /** A command without an answer after this long fails. Default 3000 ms. */
  commandTimeoutMs?: number;
  /** Start-up fails when Redis cannot be reached within this long. Default 5000 ms. */
  connectTimeoutMs?: number;
}

/** What /metrics shows about Redis. */
export interface RedisStats {
  /** Both connections are ready. */
  readonly up: boolean;
  /** Commands that failed (Redis away, timeout, error reply). */
  readonly errors: number;
  /** Times a connection came back after being lost. */
  readonly reconnects: number;
  /** Cross-node messages published / received, and publishes that failed (their events are lost for other nodes). */
  readonly published: number;
  readonly received: number;
  readonly publishFailures: number;
}

export class RedisUnavailable extends RequestFailure {
  override name = 'RedisUnavailable';
  constructor(detail: string) {
    // Code 1 is every RTM API's "failure"; the message says why, and that trying again helps.
    super(1, `shared state unavailable (Redis: ${detail}); try again`);
  }
}

export class RedisLink implements RedisStats {
  readonly prefix: string;
  readonly cmd: Redis;
  readonly sub: Redis;
  errors = 0;
  reconnects = 0;
  published = 0;
  received = 0;
  publishFailures = 0;
  /** Called each time both connections are ready again after a loss. */
  onReconnected: (() => void) | undefined;
  private wasUp = false;

  constructor(readonly options: RedisLinkOptions) {
    this.prefix = options.prefix ?? 'sig2rtm:';
    const common = {
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs ?? 3000,
      maxRetriesPerRequest: 0,
      // Reconnect quickly at first, then every second: recovery when Redis returns is prompt.
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
      lazyConnect: true,
    };
    this.cmd = new Redis(options.url, { ...common, connectionName: 'sig2rtm-cmd' });
    this.sub = new Redis(options.url, { ...common, connectionName: 'sig2rtm-sub', autoResubscribe: true });
    for (const c of [this.cmd, this.sub]) {
      // Errors are counted and surface as failed commands; an unhandled 'error' would crash the process.
      c.on('error', () => undefined);
      c.on('ready', () => this.readyChanged());
      c.on('close', () => this.readyChanged());
    }
  }

  get up(): boolean {
    return this.cmd.status === 'ready' && this.sub.status === 'ready';
  }

  /** Connects both; fails with a clear message when Redis cannot be reached in time. */
  async connect(): Promise<void> {
    const ms = this.options.connectTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${redactUrl(this.options.url)} within ${ms} ms`)), ms);
    });
    try {
      await Promise.race([Promise.all([this.cmd.connect(), this.sub.connect()]), timeout]);
    } catch (err) {
      this.cmd.disconnect();
      this.sub.disconnect();
      throw new Error(`cannot reach Redis at ${redactUrl(this.options.url)}: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    this.wasUp = true;
  }

  private readyChanged(): void {
    const up = this.up;
    if (up && !this.wasUp) {
      this.reconnects++;
      this.onReconnected?.();
    }
    this.wasUp = up;
  }

  /** Runs a command; a failure becomes a RedisUnavailable (counted). */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(this.cmd);
    } catch (err) {
      this.errors++;
      throw new RedisUnavailable(this.cmd.status === 'ready' ? (err as Error).message : `not connected (${this.cmd.status})`);
    }
  }

  async close(): Promise<void> {
    for (const c of [this.cmd, this.sub]) {
      c.removeAllListeners('ready');
      c.removeAllListeners('close');
      if (c.status === 'ready') await c.quit().catch(() => c.disconnect());
      else c.disconnect();
    }
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
