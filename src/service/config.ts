/**
 * The server's configuration: one schema (zod) that every source goes through. A JSON file, then
 * `SIG2RTM_*` environment variables, then command-line flags (each overriding the one before); the
 * `--help` text, the JSON Schema of the file (`sig2rtm config-schema`) and the documented example
 * file (sig2rtm.example.json) come from the same table. Every limit, rate and timing of the core
 * is an option, generated from the core's own defaults so that the two cannot drift apart. A value
 * of the wrong shape stops start-up with a message naming the option: nothing is ever ignored or
 * coerced from a file ("dev": "yes" is an error, and so is an app given as a bare string).
 */

import fs from 'node:fs';
import { z } from 'zod';
import { DEFAULT_LIMITS, type Limits } from '../rtm-core/protocol/limits';
import { DEFAULT_BOUNDS, DEFAULT_RATES, DEFAULT_TIMINGS, type Bounds, type Rates, type Timings } from '../rtm-core/server/options';
import { DEFAULT_WEBHOOK_EVENTS, DEFAULT_WEBHOOK_TUNING, WEBHOOK_EVENTS, type WebhookTarget, type WebhookTuning } from './webhooks/sender';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface AppEntry {
  /** With a certificate, logins need a valid token; without, any token or none. */
  certificate?: string;
  /** The app server's credential for the REST API (HTTP Basic customerId:customerSecret); REST is off for the app without one. */
  rest?: { customerId: string; customerSecret: string };
  /** POSTed on login, logout, channel join and leave (or the events listed, messages included). */
  webhooks?: WebhookTarget;
}

export interface ServiceConfig {
  host: string;
  port: number;
  tlsKey: string | undefined;
  tlsCert: string | undefined;
  /** appId → its settings. */
  apps: Record<string, AppEntry>;
  /** Any appId, no tokens. For development only. */
  dev: boolean;
  /** Serve the demo app at `/` (on by default with --dev). */
  demo: boolean | undefined;
  store: 'sqlite' | 'memory';
  dataDir: string;
  /** Redis URL: several nodes share their state and deliver across each other (--store is then unused). */
  redis: string | undefined;
  /** Prefix of every Redis key and pub/sub channel (one Redis can serve several clusters). */
  redisPrefix: string;
  /** A node's lease in Redis: its users go OFFLINE within about 1.5x this after it crashes. */
  nodeLeaseMs: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
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
  /** The webhook queue (shared by all apps), retries and timeouts. */
  webhookTuning: WebhookTuning;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Kind = 'int' | 'count' | 'port' | 'bool' | 'string' | 'rate' | 'level' | 'format' | 'store' | 'apps';

/** One configurable value: where it lives in ServiceConfig, its schema, and how each source names it. */
export interface OptionSpec {
  path: readonly string[];
  kind: Kind;
  help: string;
  /** Long flag without dashes, e.g. "port" or "limit-message-bytes". */
  flag: string;
  /** Environment variable, e.g. SIG2RTM_PORT. */
  env: string;
  /** The value as a JSON file holds it. */
  schema: z.ZodType;
  /** The default as --help shows it; undefined when the option is off by default. */
  defaultText: string | undefined;
}

const ID_CHARS = /^[0-9A-Za-z]{32}$/;
const appId = z.string().regex(ID_CHARS, { error: 'an appId is 32 characters [0-9A-Za-z]' });
const appEntry = z.strictObject({
  certificate: z.string().regex(ID_CHARS, { error: 'a certificate is 32 characters [0-9A-Za-z]' }).optional(),
  rest: z
    .strictObject({
      customerId: z.string().regex(/^[\x21-\x39\x3b-\x7e]{1,128}$/, { error: 'customerId is 1-128 printable characters without ":"' }),
      customerSecret: z.string().regex(/^[\x21-\x7e]{16,256}$/, { error: 'customerSecret is 16-256 printable characters' }),
    })
    .optional()
    .describe('credential of the app server for the REST API (HTTP Basic customerId:customerSecret); REST is off for the app without one'),
  webhooks: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, error: 'webhooks.url is an http:// or https:// URL' }),
      secret: z.string().min(16, { error: 'webhooks.secret is at least 16 characters' }),
      events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional(),
    })
    .optional()
    .describe(`URL POSTed (signed with HMAC-SHA256 of "<timestamp>.<body>" with secret) on the events listed, of ${WEBHOOK_EVENTS.join(', ')}; default ${DEFAULT_WEBHOOK_EVENTS.join(', ')} (message events are opt-in)`),
});
const whole = z.number().int().min(0);
const rate = z.strictObject({ limit: whole, windowMs: z.number().int().min(1) });

const SCHEMAS: Record<Kind, z.ZodType> = {
  int: whole,
  count: whole.min(1),
  port: whole.max(65535),
  bool: z.boolean(),
  string: z.string().min(1),
  rate,
  level: z.enum(LOG_LEVELS),
  format: z.enum(LOG_FORMATS),
  store: z.enum(['sqlite', 'memory']),
  apps: z.record(appId, appEntry),
};

/** What a value of each kind must be, as error messages say it. */
const MUST: Record<Kind, string> = {
  int: 'must be a whole number >= 0',
  count: 'must be a whole number >= 1',
  port: 'must be a port number 0-65535',
  bool: 'must be true or false',
  string: 'must be a non-empty string',
  rate: 'must be {"limit": n, "windowMs": n > 0} in a file, "limit/windowMs" (e.g. 180/3000) in a flag or variable',
  level: `must be one of ${LOG_LEVELS.join(', ')}`,
  format: `must be one of ${LOG_FORMATS.join(', ')}`,
  store: 'must be sqlite or memory',
  apps: 'must be {"<appId>": {"certificate": "<certificate>"}} in a file, appId[:certificate] (comma-separated) in a flag or variable',
};

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (flag: string) => `SIG2RTM_${flag.replace(/-/g, '_').toUpperCase()}`;

export function defaultConfig(): ServiceConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    tlsKey: undefined,
    tlsCert: undefined,
    apps: {},
    dev: false,
    demo: undefined,
    store: 'sqlite',
    dataDir: './data',
    redis: undefined,
    redisPrefix: 'sig2rtm:',
    nodeLeaseMs: 10_000,
    logLevel: 'info',
    logFormat: 'json',
    adminToken: undefined,
    offlineMessaging: true,
    maxFrameBytes: 256 * 1024,
    maxBadFrames: 20,
    shutdownTimeoutMs: 10_000,
    limits: structuredClone(DEFAULT_LIMITS),
    timings: { ...DEFAULT_TIMINGS },
    rates: structuredClone(DEFAULT_RATES),
    bounds: { ...DEFAULT_BOUNDS },
    webhookTuning: { ...DEFAULT_WEBHOOK_TUNING },
  };
}

function getPath(source: unknown, path: readonly string[]): unknown {
  let v = source;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function defaultText(kind: Kind, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (kind === 'rate') {
    const r = value as { limit: number; windowMs: number };
    return `${r.limit}/${r.windowMs}`;
  }
  if (kind === 'apps') return 'none';
  return JSON.stringify(value).replace(/^"|"$/g, '');
}

function spec(path: readonly string[], kind: Kind, help: string, flag = path.map(kebab).join('-'), shownDefault?: string): OptionSpec {
  return { path, kind, help, flag, env: envName(flag), schema: SCHEMAS[kind], defaultText: shownDefault ?? defaultText(kind, getPath(defaultConfig(), path)) };
}

const BASE: OptionSpec[] = [
  spec(['host'], 'string', 'interface to listen on'),
  spec(['port'], 'port', 'port to listen on (0 picks a free one)'),
  spec(['tlsKey'], 'string', 'TLS private key file (PEM); with --tls-cert serves wss:// and https://'),
  spec(['tlsCert'], 'string', 'TLS certificate file (PEM)'),
  spec(['apps'], 'apps', 'app registry: appId[:certificate], comma-separated (repeatable flag --app)', 'app'),
  spec(['dev'], 'bool', 'development mode: any appId may log in and tokens are not checked'),
  spec(['demo'], 'bool', 'serve the demo app at /', 'demo', 'on with --dev, off otherwise'),
  spec(['store'], 'store', 'where state lives: sqlite (durable, in --data-dir; needs the better-sqlite3 package) or memory'),
  spec(['dataDir'], 'string', 'directory of the SQLite database'),
  spec(['redis'], 'string', 'Redis URL (redis://host:port): run as one node of several sharing state through Redis; --store is then unused'),
  spec(['redisPrefix'], 'string', 'prefix of Redis keys and pub/sub channels'),
  spec(['nodeLeaseMs'], 'int', "with --redis: a crashed node's users go OFFLINE within about 1.5x this, ms"),
  spec(['logLevel'], 'level', `log level: ${LOG_LEVELS.join(', ')}`),
  spec(['logFormat'], 'format', 'log format on stdout: json (one object a line) or pretty (for people)'),
  spec(['adminToken'], 'string', 'bearer token for the /admin API and console', 'admin-token', 'none: admin off'),
  spec(['offlineMessaging'], 'bool', 'cache messages sent with enableOfflineMessaging for offline users'),
  spec(['maxFrameBytes'], 'int', 'largest WebSocket frame accepted, bytes'),
  spec(['maxBadFrames'], 'int', 'bad frames a connection may send before it is closed'),
  spec(['shutdownTimeoutMs'], 'int', 'on SIGTERM, exit after at most this long, ms'),
];

function limitSpecs(): OptionSpec[] {
  const out: OptionSpec[] = [];
  const words = (s: string) => kebab(s).replace(/-/g, ' ');
  for (const [k, v] of Object.entries(DEFAULT_LIMITS)) {
    if (typeof v === 'number') out.push(spec(['limits', k], 'int', `limit: ${words(k)}`, `limit-${kebab(k)}`));
    else for (const sub of Object.keys(v)) out.push(spec(['limits', k, sub], 'int', `limit: ${words(k)} ${words(sub)}`, `limit-${kebab(k)}-${kebab(sub)}`));
  }
  return out;
}

const TIMING_HELP = {
  heartbeatMs: 'heartbeat interval told to older clients; the ping interval of users whose presence someone watches',
  idlePingMs: 'the server pings a client it has not heard from for this long (nobody watching it); newer clients take twice this silence as a lost link',
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

const WEBHOOK_HELP = {
  queueSize: ['queue-size', 'count', 'webhook events waiting (queued, in flight, between retries) across all apps; past it the newest is dropped'],
  queueBytes: ['queue-bytes', 'count', 'bytes of the bodies of those events; past it the newest is dropped'],
  maxAttempts: ['max-attempts', 'count', 'tries per webhook event, the first included'],
  backoffBaseMs: ['backoff-base-ms', 'int', 'wait before webhook retry n: this * 2^(n-1), ms'],
  backoffMaxMs: ['backoff-max-ms', 'int', 'longest wait between webhook retries, ms'],
  timeoutMs: ['timeout-ms', 'count', 'a webhook POST not answered by then has failed (and is retried), ms'],
  concurrency: ['concurrency', 'count', 'webhook POSTs in flight at once'],
} satisfies Record<keyof WebhookTuning, [string, Kind, string]>;

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
  legacyCounts: 'legacy member-count queries (channelQueryUserNum, invoke channel_query_num)',
  legacyUattr: 'legacy setAttr calls (account attributes)',
  legacyUattrGet: 'legacy getAttr/getUserAttr(All) calls',
} satisfies Record<keyof typeof DEFAULT_RATES, string>;

/** Every option, in --help order. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  ...BASE,
  ...limitSpecs(),
  ...(Object.keys(DEFAULT_TIMINGS) as (keyof typeof DEFAULT_TIMINGS)[]).map((k) => spec(['timings', k], 'int', `${TIMING_HELP[k]}, ms`, `timing-${kebab(k)}`)),
  ...(Object.keys(DEFAULT_BOUNDS) as (keyof typeof DEFAULT_BOUNDS)[]).map((k) => spec(['bounds', k], 'int', `bound: ${BOUND_HELP[k]}`, `bound-${kebab(k)}`)),
  ...(Object.keys(DEFAULT_RATES) as (keyof typeof DEFAULT_RATES)[]).map((k) => spec(['rates', k], 'rate', `per-client limit on ${RATE_HELP[k]}, as calls/windowMs`, `rate-${kebab(k)}`)),
  ...Object.entries(WEBHOOK_HELP).map(([k, [flag, kind, help]]) => spec(['webhookTuning', k], kind, help, `webhook-${flag}`)),
];

/** The configuration file's schema: every option at its path, every object strict (a typo is an error). */
function fileSchema(): z.ZodType {
  type Tree = { [key: string]: Tree | OptionSpec };
  const isSpec = (v: Tree | OptionSpec): v is OptionSpec => typeof v.flag === 'string' && 'schema' in v;
  const tree: Tree = {};
  for (const s of OPTION_SPECS) {
    let t = tree;
    for (const p of s.path.slice(0, -1)) t = (t[p] ??= {}) as Tree;
    t[s.path[s.path.length - 1] as string] = s;
  }
  const build = (t: Tree, top: boolean): z.ZodType => {
    const shape: Record<string, z.ZodType> = {};
    for (const [k, v] of Object.entries(t)) shape[k] = (isSpec(v) ? v.schema.describe(v.help) : build(v, false)).optional();
    // "$schema" lets editors find the JSON Schema (sig2rtm config-schema > sig2rtm.schema.json).
    if (top) shape.$schema = z.string().optional();
    return z.strictObject(shape);
  };
  return build(tree, true);
}
export const CONFIG_FILE_SCHEMA = fileSchema();

/** The JSON Schema of the configuration file, for editors and for checking files outside sig2rtm. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(CONFIG_FILE_SCHEMA, { target: 'draft-2020-12' });
}

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
  if (typeof raw === 'string') return JSON.stringify(raw.split(',').map(hide).join(','));
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return `{${Object.keys(raw).map((k) => JSON.stringify(k)).join(', ')}} (certificates hidden)`;
  return '(hidden)';
}

/** A flag's or variable's text as the JSON value the schema checks, or undefined when it cannot be one. */
function fromText(s: OptionSpec, text: string): unknown {
  const t = text.trim();
  switch (s.kind) {
    case 'int':
    case 'count':
    case 'port':
      return /^\d+$/.test(t) ? Number(t) : undefined;
    case 'bool':
      return ({ true: true, '1': true, yes: true, false: false, '0': false, no: false } as Record<string, boolean>)[t];
    case 'rate': {
      const m = /^(\d+)\/(\d+)$/.exec(t);
      return m ? { limit: Number(m[1]), windowMs: Number(m[2]) } : undefined;
    }
    case 'apps': {
      const out: Record<string, AppEntry> = {};
      for (const item of t.split(',')) {
        const [id = '', cert, ...extra] = item.trim().split(':');
        if (extra.length > 0) return undefined;
        out[id] = cert ? { certificate: cert } : {};
      }
      return out;
    }
    default:
      return text;
  }
}

/** Checks one value against its option's schema; throws a ConfigError naming the option as `source` spells it. */
function checked(s: OptionSpec, value: unknown, raw: unknown, source: string): unknown {
  const result = value === undefined ? undefined : s.schema.safeParse(value);
  if (result?.success) return result.data;
  const issue = result?.error.issues[0];
  return fail(`${source}: ${s.kind === 'apps' && issue ? appProblem(issue) : MUST[s.kind]}, got ${shown(s, raw)}`);
}

/** What is wrong inside the app registry, saying which app (an appId is not a secret; a certificate is). */
function appProblem(issue: z.core.$ZodIssue): string {
  const [id = '', field, ...rest] = issue.path.map(String);
  if (issue.code === 'invalid_key') return `appId ${id} must be 32 characters [0-9A-Za-z]`;
  if (field === 'certificate' && rest.length === 0) return `certificate of ${id} must be 32 characters [0-9A-Za-z]`;
  if (field === undefined) return `app ${id} must be an object like {"certificate": "<certificate>"} (${issue.message.replace(/^Invalid input: /, '')})`;
  return `app ${id}: ${[field, ...rest].join('.')}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

function fail(message: string): never {
  throw new ConfigError(message);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown, merge: boolean): void {
  let t = target;
  for (const p of path.slice(0, -1)) t = t[p] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (merge) Object.assign(t[last] as object, value);
  else t[last] = value;
}

function readFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
  }
  return checkObject(parsed, `config file ${file}`);
}

/** A whole configuration object (a file's content, or the options given to createSig2rtm), checked against the schema. */
function checkObject(parsed: unknown, source: string): Record<string, unknown> {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`${source}: must hold a JSON object`);
  const result = CONFIG_FILE_SCHEMA.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    const at = issue.path.map(String);
    const owner = OPTION_SPECS.find((s) => s.path.every((p, i) => at[i] === p));
    if (owner) checked(owner, getPath(parsed, owner.path), getPath(parsed, owner.path), `${source}: ${owner.path.join('.')}`);
    // Not inside an option: an unknown key, or a group (limits, timings, rates) that is not an object.
    if (issue.code === 'unrecognized_keys') fail(`${source}: unknown option ${issue.keys.map((k) => [...at, k].join('.')).join(', ')}`);
    fail(`${source}: ${at.join('.')} must be an object of options, got ${JSON.stringify(getPath(parsed, at))}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Builds the configuration: defaults, then the JSON file, then the environment, then the flags
 * (flag values as strings keyed by OptionSpec.flag; `app` may repeat).
 */
export function loadConfig(input: {
  file?: string;
  /** Options as an object of the file's shape (the library's createSig2rtm), named `objectSource` in errors. */
  object?: unknown;
  objectSource?: string;
  env: NodeJS.ProcessEnv;
  flags: Record<string, string | string[] | boolean | undefined>;
}): ServiceConfig {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  /** How the source that set each option (by flag name) spells it, for errors that involve several. */
  const from: Record<string, string> = {};
  const file = input.file ?? input.env.SIG2RTM_CONFIG;
  const objects: [Record<string, unknown>, string][] = [];
  if (file !== undefined && file !== '') objects.push([readFile(file), `config file ${file}`]);
  if (input.object !== undefined) objects.push([checkObject(input.object, input.objectSource ?? 'options'), input.objectSource ?? 'options']);
  for (const [parsed, source] of objects) {
    for (const s of OPTION_SPECS) {
      const v = getPath(parsed, s.path);
      if (v === undefined) continue;
      from[s.flag] = `${source}: ${s.path.join('.')}`;
      setPath(config, s.path, structuredClone(v), s.kind === 'apps');
    }
  }
  for (const s of OPTION_SPECS) {
    const v = input.env[s.env];
    if (v === undefined || v === '') continue;
    setPath(config, s.path, checked(s, fromText(s, v), v, (from[s.flag] = s.env)), s.kind === 'apps');
  }
  for (const s of OPTION_SPECS) {
    const v = input.flags[s.flag];
    if (v === undefined) continue;
    const text = s.kind === 'bool' && v === true ? 'true' : Array.isArray(v) ? v.join(',') : String(v);
    setPath(config, s.path, checked(s, fromText(s, text), text, (from[s.flag] = `--${s.flag}`)), s.kind === 'apps');
  }
  const c = config as unknown as ServiceConfig;
  const name = (flag: string) => from[flag] ?? `--${flag}`;
  if (input.object !== undefined) {
    // Embedded, the app's own server listens: options about listening would be silently ignored.
    for (const flag of ['host', 'port', 'tls-key', 'tls-cert']) if (from[flag]?.startsWith(input.objectSource ?? 'options')) throw new ConfigError(`${name(flag)}: not used when sig2rtm is embedded (your server listens; pass TLS to it)`);
  }
  if ((c.tlsKey === undefined) !== (c.tlsCert === undefined)) throw new ConfigError(`${name(c.tlsKey === undefined ? 'tls-cert' : 'tls-key')}: needs ${c.tlsKey === undefined ? '--tls-key' : '--tls-cert'} as well (--tls-key and --tls-cert go together)`);
  for (const [flag, f] of [['tls-key', c.tlsKey], ['tls-cert', c.tlsCert]] as const) if (f !== undefined && !fs.existsSync(f)) throw new ConfigError(`${name(flag)}: TLS file not found: ${f}`);
  if (!c.dev && Object.keys(c.apps).length === 0) throw new ConfigError('no app configured: pass --app <appId[:certificate]> (or --dev for development)');
  if (c.redis !== undefined && !/^rediss?:\/\//.test(c.redis)) throw new ConfigError(`${name('redis')}: must be a redis:// or rediss:// URL, got ${JSON.stringify(c.redis)}`);
  if (c.nodeLeaseMs < 100) throw new ConfigError(`${name('node-lease-ms')}: must be at least 100, got ${c.nodeLeaseMs}`);
  if (c.timings.unreachableAfterMs >= c.timings.offlineAfterMs) {
    throw new ConfigError(`${name('timing-unreachable-after-ms')} (${c.timings.unreachableAfterMs}) must be below ${name('timing-offline-after-ms')} (${c.timings.offlineAfterMs})`);
  }
  return c;
}

/** Whether the demo app is served: --demo when given, else with --dev. */
export function demoEnabled(c: ServiceConfig): boolean {
  return c.demo ?? c.dev;
}

/** The documented example file: every option at its default, and one app of each kind. */
export function exampleConfig(): Record<string, unknown> {
  const out: Record<string, unknown> = { $schema: './sig2rtm.schema.json' };
  const d = defaultConfig();
  for (const s of OPTION_SPECS) {
    let t = out;
    for (const p of s.path.slice(0, -1)) t = (t[p] ??= {}) as Record<string, unknown>;
    const last = s.path[s.path.length - 1] as string;
    if (s.kind === 'apps') {
      t[last] = {
        '0123456789abcdef0123456789abcdef': { certificate: 'fedcba9876543210fedcba9876543210', rest: { customerId: 'my-backend', customerSecret: 'change-me-to-a-long-random-secret' },
          webhooks: { url: 'https://backend.example.com/sig2rtm-events', secret: 'change-me-to-another-long-secret', events: [...DEFAULT_WEBHOOK_EVENTS] },
        },
        abcdefabcdefabcdefabcdefabcdef01: {},
      };
    }
    else {
      const v = getPath(d, s.path);
      if (v !== undefined) t[last] = v;
    }
  }
  return out;
}
