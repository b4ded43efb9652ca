/**
 * The server's configuration: one table of options, read from a JSON file, then `SIG2RTM_*`
 * environment variables, then command-line flags (each overriding the one before). Every limit,
 * rate and timing of the core is an option, generated from the core's own defaults so that the
 * two cannot drift apart. Any invalid value stops start-up with a message naming the option.
 */

import fs from 'node:fs';
import { DEFAULT_LIMITS, type Limits } from '../rtm-core/protocol/limits';
import { DEFAULT_BOUNDS, DEFAULT_RATES, DEFAULT_TIMINGS, type Bounds, type Rates, type Timings } from '../rtm-core/server/options';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServiceConfig {
  host: string;
  port: number;
  tlsKey: string | undefined;
  tlsCert: string | undefined;
  /** appId → certificate ('' = no certificate: any token or none). */
  apps: Record<string, { certificate?: string }>;
  /** Any appId, no tokens. For development only. */
  dev: boolean;
  store: 'sqlite' | 'memory';
  dataDir: string;
  logLevel: LogLevel;
  /** Bearer token for /admin; the admin API is off without one. */
  adminToken: string | undefined;
  offlineMessaging: boolean;
  maxFrameBytes: number;
  maxBadFrames: number;
  shutdownTimeoutMs: number;
  limits: Limits;
  timings: Timings;
  rates: Rates;
  bounds: Bounds;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Kind = 'int' | 'bool' | 'string' | 'rate' | 'level' | 'store' | 'apps';

/** One configurable value: where it lives in ServiceConfig and how each source names it. */
export interface OptionSpec {
  path: readonly string[];
  kind: Kind;
  help: string;
  /** Long flag without dashes, e.g. "port" or "limit-message-bytes". */
  flag: string;
  /** Environment variable, e.g. SIG2RTM_PORT. */
  env: string;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (flag: string) => `SIG2RTM_${flag.replace(/-/g, '_').toUpperCase()}`;

function spec(path: readonly string[], kind: Kind, help: string, flag = path.map(kebab).join('-')): OptionSpec {
  return { path, kind, help, flag, env: envName(flag) };
}

const BASE: OptionSpec[] = [
  spec(['host'], 'string', 'interface to listen on'),
  spec(['port'], 'int', 'port to listen on (0 picks a free one)'),
  spec(['tlsKey'], 'string', 'TLS private key file (PEM); with --tls-cert serves wss:// and https://'),
  spec(['tlsCert'], 'string', 'TLS certificate file (PEM)'),
  spec(['apps'], 'apps', 'app registry: appId[:certificate], comma-separated (repeatable flag --app)', 'app'),
  spec(['dev'], 'bool', 'development mode: any appId may log in and tokens are not checked'),
  spec(['store'], 'store', 'where state lives: sqlite (durable, in --data-dir) or memory'),
  spec(['dataDir'], 'string', 'directory of the SQLite database'),
  spec(['logLevel'], 'level', `log level: ${LOG_LEVELS.join(', ')}`),
  spec(['adminToken'], 'string', 'bearer token for the /admin API (off without one)'),
  spec(['offlineMessaging'], 'bool', 'cache messages sent with enableOfflineMessaging for offline users'),
  spec(['maxFrameBytes'], 'int', 'largest WebSocket frame accepted, bytes'),
  spec(['maxBadFrames'], 'int', 'bad frames a connection may send before it is closed'),
  spec(['shutdownTimeoutMs'], 'int', 'on SIGTERM, exit after at most this long'),
];

function limitSpecs(): OptionSpec[] {
  const out: OptionSpec[] = [];
  for (const [k, v] of Object.entries(DEFAULT_LIMITS)) {
    if (typeof v === 'number') out.push(spec(['limits', k], 'int', `limit: ${kebab(k).replace(/-/g, ' ')} (default ${v})`, `limit-${kebab(k)}`));
    else {
      for (const [sub, d] of Object.entries(v)) {
        out.push(spec(['limits', k, sub], 'int', `limit: ${kebab(k).replace(/-/g, ' ')} ${kebab(sub).replace(/-/g, ' ')} (default ${d})`, `limit-${kebab(k)}-${kebab(sub)}`));
      }
    }
  }
  return out;
}

const TIMING_HELP = {
  heartbeatMs: 'heartbeat interval told to clients',
  unreachableAfterMs: 'silence after which a user is UNREACHABLE to subscribers',
  offlineAfterMs: 'silence after which a session ends (OFFLINE, MemberLeft)',
  peerAckTimeoutMs: "how long a peer send waits for the receiver's acknowledgement",
  tokenWarningMs: 'TokenPrivilegeWillExpire this long before a token expires',
  loginWithinMs: 'a connection must log in within this long',
  memberCountIntervalMs: 'MemberCountUpdated at most once per this interval (<= 512 members)',
  memberCountIntervalLargeMs: 'MemberCountUpdated interval above 512 members',
  channelAttributesTtlMs: "channel attributes outlive the channel's last member by this long",
  closeGraceMs: 'a socket the server closes is cut off if the client has not finished the close by then',
} satisfies Record<keyof typeof DEFAULT_TIMINGS, string>;

const BOUND_HELP = {
  sessionPendingMessages: 'events queued for one session and not yet acknowledged; past it the session ends (close 4005)',
  sessionPendingBytes: 'bytes of those events; past it the session ends (close 4005)',
  socketBufferedBytes: "bytes unsent on a session's socket (a client that stopped reading); past it the session ends (close 4005)",
  rememberedAnswers: 'answers kept per session for re-sent requests when the client never acknowledges them',
  offlineMessagesPerSender: 'offline messages one sender may have cached; past it a message is not cached',
  offlineCacheBytes: 'bytes of all cached offline messages; past it a message is not cached',
  offlineSweepIntervalMs: 'expired offline messages are swept this often, ms',
} satisfies Record<keyof typeof DEFAULT_BOUNDS, string>;

const RATE_HELP = {
  login: 'logins per connection',
  send: 'peer and channel messages together',
  join: 'channel joins',
  joinSame: 'joins of the same channel',
  members: 'getMembers calls',
  renew: 'renewToken calls',
  query: 'queryPeersOnlineStatus calls',
  sub: 'subscribePeersOnlineStatus calls',
  unsub: 'unsubscribePeersOnlineStatus calls',
  counts: 'getChannelMemberCount calls',
  uattr: 'set/addOrUpdate/delete/clear of local user attributes',
  uattrGet: 'getUserAttributes(ByKeys) calls',
  cattr: 'set/addOrUpdate/delete/clear of channel attributes',
  cattrGet: 'getChannelAttributes(ByKeys) calls',
  ping: 'heartbeats (pings) per connection; past it they are not answered and count as bad frames',
} satisfies Record<keyof typeof DEFAULT_RATES, string>;

/** Every option, in --help order. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  ...BASE,
  ...limitSpecs(),
  ...(Object.keys(DEFAULT_TIMINGS) as (keyof typeof DEFAULT_TIMINGS)[]).map((k) =>
    spec(['timings', k], 'int', `${TIMING_HELP[k]}, ms (default ${DEFAULT_TIMINGS[k]})`, `timing-${kebab(k)}`),
  ),
  ...(Object.keys(DEFAULT_BOUNDS) as (keyof typeof DEFAULT_BOUNDS)[]).map((k) =>
    spec(['bounds', k], 'int', `bound: ${BOUND_HELP[k]} (default ${DEFAULT_BOUNDS[k]})`, `bound-${kebab(k)}`),
  ),
  ...(Object.keys(DEFAULT_RATES) as (keyof typeof DEFAULT_RATES)[]).map((k) =>
    spec(['rates', k], 'rate', `per-client limit on ${RATE_HELP[k]}, as calls/windowMs (default ${DEFAULT_RATES[k].limit}/${DEFAULT_RATES[k].windowMs})`, `rate-${kebab(k)}`),
  ),
];

export function defaultConfig(): ServiceConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    tlsKey: undefined,
    tlsCert: undefined,
    apps: {},
    dev: false,
    store: 'sqlite',
    dataDir: './data',
    logLevel: 'info',
    adminToken: undefined,
    offlineMessaging: true,
    maxFrameBytes: 256 * 1024,
    maxBadFrames: 20,
    shutdownTimeoutMs: 10_000,
    limits: structuredClone(DEFAULT_LIMITS),
    timings: { ...DEFAULT_TIMINGS },
    rates: structuredClone(DEFAULT_RATES),
    bounds: { ...DEFAULT_BOUNDS },
  };
}

/** Parses one raw value for `spec`, or throws a ConfigError naming the option as `source` calls it. */
function parseValue(s: OptionSpec, raw: unknown, source: string): unknown {
  const fail = (why: string) => new ConfigError(`${source}: ${why}, got ${shown(s, raw)}`);
  switch (s.kind) {
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < 0) throw fail('must be a whole number >= 0');
      if (s.path[0] === 'port' && n > 65535) throw fail('must be a port number 0-65535');
      return n;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      throw fail('must be true or false');
    case 'string':
      if (typeof raw !== 'string' || raw === '') throw fail('must be a non-empty string');
      return raw;
    case 'level':
      if (!LOG_LEVELS.includes(raw as LogLevel)) throw fail(`must be one of ${LOG_LEVELS.join(', ')}`);
      return raw;
    case 'store':
      if (raw !== 'sqlite' && raw !== 'memory') throw fail('must be sqlite or memory');
      return raw;
    case 'rate': {
      if (typeof raw === 'object' && raw !== null) {
        const r = raw as { limit?: unknown; windowMs?: unknown };
        if (Number.isSafeInteger(r.limit) && Number.isSafeInteger(r.windowMs) && (r.limit as number) >= 0 && (r.windowMs as number) > 0) {
          return { limit: r.limit, windowMs: r.windowMs };
        }
        throw fail('must be {limit, windowMs} or "limit/windowMs"');
      }
      const m = typeof raw === 'string' ? /^(\d+)\/(\d+)$/.exec(raw.trim()) : null;
      if (!m || Number(m[2]) === 0) throw fail('must be "limit/windowMs", e.g. 180/3000');
      return { limit: Number(m[1]), windowMs: Number(m[2]) };
    }
    case 'apps':
      return parseApps(raw, fail);
  }
}

const APP_ID = /^[0-9A-Za-z]{32}$/;

/**
 * A raw value as an error message may show it: certificates and the admin token never appear on
 * stderr or in logs (a bad second --app must not print the first app's certificate).
 */
function shown(s: OptionSpec, raw: unknown): string {
  if (s.path[0] === 'adminToken') return '(hidden)';
  if (s.kind !== 'apps') return JSON.stringify(raw);
  const hide = (item: unknown) => {
    const [id, ...rest] = String(item).trim().split(':');
    return rest.length > 0 ? `${id ?? ''}:(certificate hidden)` : (id ?? '');
  };
  if (Array.isArray(raw)) return JSON.stringify(raw.map(hide));
  if (typeof raw === 'string') return JSON.stringify(raw.split(',').map(hide).join(','));
  if (typeof raw === 'object' && raw !== null) return `{${Object.keys(raw).map((k) => JSON.stringify(k)).join(', ')}} (certificates hidden)`;
  return '(hidden)';
}

function parseApps(raw: unknown, fail: (why: string) => ConfigError): Record<string, { certificate?: string }> {
  const out: Record<string, { certificate?: string }> = {};
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
      if (!APP_ID.test(id)) throw fail(`appId ${id} must be 32 characters [0-9A-Za-z]`);
      const cert = (v as { certificate?: unknown } | null)?.certificate;
      if (cert !== undefined && (typeof cert !== 'string' || !/^[0-9A-Za-z]{32}$/.test(cert))) throw fail(`certificate of ${id} must be 32 characters [0-9A-Za-z]`);
      out[id] = cert ? { certificate: cert } : {};
    }
    return out;
  }
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!items) throw fail('must be appId[:certificate], comma-separated');
  for (const item of items) {
    const [id, cert, ...extra] = String(item).trim().split(':');
    if (!id || !APP_ID.test(id)) throw fail(`appId ${id ?? ''} must be 32 characters [0-9A-Za-z]`);
    if (extra.length > 0) throw fail(`${id}: must be appId[:certificate]`);
    if (cert !== undefined && cert !== '' && !/^[0-9A-Za-z]{32}$/.test(cert)) throw fail(`certificate of ${id} must be 32 characters [0-9A-Za-z]`);
    out[id] = cert ? { certificate: cert } : {};
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown, merge: boolean): void {
  let t = target;
  for (const p of path.slice(0, -1)) t = t[p] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (merge && typeof value === 'object' && value !== null && typeof t[last] === 'object') Object.assign(t[last] as object, value);
  else t[last] = value;
}

function getPath(source: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = source;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/**
 * Builds the configuration: defaults, then the JSON file, then the environment, then the flags
 * (flag values as strings keyed by OptionSpec.flag; `app` may repeat).
 */
export function loadConfig(input: { file?: string; env: NodeJS.ProcessEnv; flags: Record<string, string | string[] | boolean | undefined> }): ServiceConfig {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  /** How the source that set each option (by flag name) spells it, for errors that involve several. */
  const from: Record<string, string> = {};
  const file = input.file ?? input.env.SIG2RTM_CONFIG;
  if (file !== undefined && file !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null) throw new ConfigError(`config file ${file}: must hold a JSON object`);
    // Every key, nested ones included, must be an option: a typo must not be ignored silently.
    const leaves = new Set(OPTION_SPECS.map((s) => s.path.join('.')));
    const groups = new Set(OPTION_SPECS.flatMap((s) => s.path.slice(1).map((_, i) => s.path.slice(0, i + 1).join('.'))));
    const check = (obj: object, prefix: string): void => {
      for (const [key, v] of Object.entries(obj)) {
        const at = prefix + key;
        if (groups.has(at)) {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`config file ${file}: ${at} must be an object, got ${JSON.stringify(v)}`);
          check(v as object, `${at}.`);
        } else if (!leaves.has(at)) throw new ConfigError(`config file ${file}: unknown option ${at}`);
      }
    };
    check(parsed, '');
    for (const s of OPTION_SPECS) {
      const v = getPath(parsed as Record<string, unknown>, s.path);
      if (v !== undefined) setPath(config, s.path, parseValue(s, v, (from[s.flag] = `config file ${file}: ${s.path.join('.')}`)), s.kind === 'apps');
    }
  }
  for (const s of OPTION_SPECS) {
    const v = input.env[s.env];
    if (v !== undefined && v !== '') setPath(config, s.path, parseValue(s, v, (from[s.flag] = s.env)), s.kind === 'apps');
  }
  for (const s of OPTION_SPECS) {
    const v = input.flags[s.flag];
    if (v === undefined) continue;
    const raw = s.kind === 'bool' && v === true ? 'true' : Array.isArray(v) ? v.join(',') : v;
    setPath(config, s.path, parseValue(s, raw, (from[s.flag] = `--${s.flag}`)), s.kind === 'apps');
  }
  const c = config as unknown as ServiceConfig;
  const name = (flag: string) => from[flag] ?? `--${flag}`;
  if ((c.tlsKey === undefined) !== (c.tlsCert === undefined)) throw new ConfigError(`${name(c.tlsKey === undefined ? 'tls-cert' : 'tls-key')}: needs ${c.tlsKey === undefined ? '--tls-key' : '--tls-cert'} as well (--tls-key and --tls-cert go together)`);
  for (const [flag, f] of [['tls-key', c.tlsKey], ['tls-cert', c.tlsCert]] as const) if (f !== undefined && !fs.existsSync(f)) throw new ConfigError(`${name(flag)}: TLS file not found: ${f}`);
  if (!c.dev && Object.keys(c.apps).length === 0) throw new ConfigError('no app configured: pass --app <appId[:certificate]> (or --dev for development)');
  if (c.timings.unreachableAfterMs >= c.timings.offlineAfterMs) {
    throw new ConfigError(`${name('timing-unreachable-after-ms')} (${c.timings.unreachableAfterMs}) must be below ${name('timing-offline-after-ms')} (${c.timings.offlineAfterMs})`);
  }
  return c;
}
