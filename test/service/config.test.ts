/**
 * `sig2rtm serve` configuration (unit level, no server): defaults, the precedence
 * file < environment < flags, and a ConfigError naming the option — as its source spells it — for
 * every kind of bad value.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../src/service/cli';
import { ConfigError, OPTION_SPECS, configJsonSchema, defaultConfig, exampleConfig, loadConfig, type ServiceConfig } from '../../src/service/config';
import { DEFAULT_LIMITS } from '../../src/rtm-core/protocol/limits';
import { DEFAULT_RATES, DEFAULT_TIMINGS } from '../../src/rtm-core/server/options';
import { DEFAULT_WEBHOOK_TUNING } from '../../src/service/webhooks/sender';

const A = '0123456789abcdef0123456789abcdef';
const B = 'fedcba9876543210fedcba9876543210';
const C = 'ABCDEFabcdef0123456789ABCDEFabcd';
const CERT1 = '11111111111111111111111111111111';
const CERT2 = '22222222222222222222222222222222';
const CERT3 = '33333333333333333333333333333333';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-config-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes `content` (an object is JSON-encoded) to a fresh file and returns its path. */
function file(content: unknown): string {
  const p = path.join(dir, `c${++fileCount}.json`);
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

type Flags = Record<string, string | string[] | boolean | undefined>;
const load = (input: { file?: string; env?: NodeJS.ProcessEnv; flags?: Flags }): ServiceConfig =>
  loadConfig({ env: input.env ?? {}, flags: input.flags ?? {}, ...(input.file === undefined ? {} : { file: input.file }) });

/** The ConfigError `fn` throws (fails when it throws nothing or something else). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('defaults', () => {
  test('with only --dev, every value is the documented default', () => {
    const c = load({ flags: { dev: true } });
    expect(c).toEqual({ ...defaultConfig(), dev: true });
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.store).toBe('sqlite');
    expect(c.dataDir).toBe('./data');
    expect(c.logLevel).toBe('info');
    expect(c.adminToken).toBeUndefined();
    expect(c.tlsKey).toBeUndefined();
    expect(c.tlsCert).toBeUndefined();
    expect(c.apps).toEqual({});
    expect(c.offlineMessaging).toBe(true);
    expect(c.maxFrameBytes).toBe(256 * 1024);
    expect(c.maxBadFrames).toBe(20);
    expect(c.shutdownTimeoutMs).toBe(10_000);
    // The core's own figures, so the two cannot drift apart.
    expect(c.limits).toEqual(DEFAULT_LIMITS);
    expect(c.timings).toEqual(DEFAULT_TIMINGS);
    expect(c.rates).toEqual(DEFAULT_RATES);
  });

  test('a loaded configuration never changes the defaults of the next one', () => {
    load({
      flags: { dev: true, 'limit-message-bytes': '10', 'limit-channel-attributes-count': '3', 'timing-heartbeat-ms': '5', 'rate-send': '1/1' },
    });
    const c = load({ flags: { dev: true } });
    expect(c.limits.messageBytes).toBe(32_768);
    expect(c.limits.channelAttributes.count).toBe(32);
    expect(c.timings.heartbeatMs).toBe(2000);
    expect(c.rates.send).toEqual({ limit: 180, windowMs: 3000 });
    expect(DEFAULT_LIMITS.channelAttributes.count).toBe(32);
    expect(DEFAULT_RATES.send).toEqual({ limit: 180, windowMs: 3000 });
  });

  test('SIG2RTM_CONFIG names the file when no file is passed', () => {
    const f = file({ port: 4321, dev: true });
    expect(load({ env: { SIG2RTM_CONFIG: f } }).port).toBe(4321);
  });

  test('an empty environment variable counts as unset', () => {
    const c = load({ env: { SIG2RTM_PORT: '', SIG2RTM_LOG_LEVEL: '' }, flags: { dev: true } });
    expect(c.port).toBe(8080);
    expect(c.logLevel).toBe('info');
  });
});

describe('precedence: file < environment < flags', () => {
  test('port', () => {
    const f = file({ port: 1111, dev: true });
    expect(load({ file: f }).port).toBe(1111);
    expect(load({ file: f, env: { SIG2RTM_PORT: '2222' } }).port).toBe(2222);
    expect(load({ file: f, env: { SIG2RTM_PORT: '2222' }, flags: { port: '3333' } }).port).toBe(3333);
    expect(load({ file: f, flags: { port: '0' } }).port).toBe(0);
  });

  test('a limit: --limit-message-bytes', () => {
    const f = file({ dev: true, limits: { messageBytes: 100 } });
    const env = { SIG2RTM_LIMIT_MESSAGE_BYTES: '200' };
    expect(load({ file: f }).limits.messageBytes).toBe(100);
    expect(load({ file: f, env }).limits.messageBytes).toBe(200);
    expect(load({ file: f, env, flags: { 'limit-message-bytes': '300' } }).limits.messageBytes).toBe(300);
    // Only that limit moves.
    expect(load({ file: f, env }).limits).toEqual({ ...DEFAULT_LIMITS, messageBytes: 200 });
  });

  test('a nested limit changes only its own field', () => {
    const f = file({ dev: true, limits: { channelAttributes: { count: 5 } } });
    expect(load({ file: f }).limits.channelAttributes).toEqual({ ...DEFAULT_LIMITS.channelAttributes, count: 5 });
    const c = load({ file: f, env: { SIG2RTM_LIMIT_CHANNEL_ATTRIBUTES_VALUE_BYTES: '99' }, flags: { 'limit-channel-attributes-count': '7' } });
    expect(c.limits.channelAttributes).toEqual({ ...DEFAULT_LIMITS.channelAttributes, count: 7, valueBytes: 99 });
    expect(c.limits.userAttributes).toEqual(DEFAULT_LIMITS.userAttributes);
  });

  test('a timing: --timing-heartbeat-ms', () => {
    const f = file({ dev: true, timings: { heartbeatMs: 1000 } });
    const env = { SIG2RTM_TIMING_HEARTBEAT_MS: '1500' };
    expect(load({ file: f }).timings.heartbeatMs).toBe(1000);
    expect(load({ file: f, env }).timings.heartbeatMs).toBe(1500);
    const c = load({ file: f, env, flags: { 'timing-heartbeat-ms': '1700' } });
    expect(c.timings).toEqual({ ...DEFAULT_TIMINGS, heartbeatMs: 1700 });
  });

  test('a rate: --rate-send 5/1000, SIG2RTM_RATE_SEND, {"rates":{"send":{…}}}', () => {
    const f = file({ dev: true, rates: { send: { limit: 5, windowMs: 1000 } } });
    const env = { SIG2RTM_RATE_SEND: '6/2000' };
    expect(load({ file: f }).rates.send).toEqual({ limit: 5, windowMs: 1000 });
    expect(load({ file: f, env }).rates.send).toEqual({ limit: 6, windowMs: 2000 });
    const c = load({ file: f, env, flags: { 'rate-send': '7/3000' } });
    expect(c.rates).toEqual({ ...DEFAULT_RATES, send: { limit: 7, windowMs: 3000 } });
    expect(load({ flags: { dev: true, 'rate-send': '5/1000' } }).rates.send).toEqual({ limit: 5, windowMs: 1000 });
    // A limit of 0 is a valid (if drastic) rule.
    expect(load({ flags: { dev: true, 'rate-login': '0/1000' } }).rates.login).toEqual({ limit: 0, windowMs: 1000 });
  });

  test('apps: --app repeated, SIG2RTM_APP=id1,id2:cert, {"apps":{…}}', () => {
    expect(load({ flags: { app: [A, `${B}:${CERT1}`] } }).apps).toEqual({ [A]: {}, [B]: { certificate: CERT1 } });
    expect(load({ env: { SIG2RTM_APP: `${A},${B}:${CERT2}` } }).apps).toEqual({ [A]: {}, [B]: { certificate: CERT2 } });
    const f = file({ apps: { [A]: { certificate: CERT1 }, [C]: {} } });
    expect(load({ file: f }).apps).toEqual({ [A]: { certificate: CERT1 }, [C]: {} });
    // The same appId: the later source wins (the environment over the file, a flag over both) …
    expect(load({ file: f, env: { SIG2RTM_APP: `${A}:${CERT2}` } }).apps[A]).toEqual({ certificate: CERT2 });
    const all = load({ file: f, env: { SIG2RTM_APP: `${A}:${CERT2},${B}` }, flags: { app: [`${A}:${CERT3}`] } });
    expect(all.apps[A]).toEqual({ certificate: CERT3 });
    // … and the registry is the union of the sources.
    expect(Object.keys(all.apps).sort()).toEqual([A, B, C].sort());
    // An appId without a certificate (any token or none) is not an app to drop.
    expect(all.apps[B]).toEqual({});
    expect(all.dev).toBe(false);
  });

  test('booleans: --dev with no value, and true/false/1/0/yes/no spellings', () => {
    expect(load({ flags: { dev: true } }).dev).toBe(true);
    for (const [raw, want] of [['true', true], ['1', true], ['yes', true], ['false', false], ['0', false], ['no', false]] as const) {
      expect(load({ flags: { dev: true, 'offline-messaging': raw } }).offlineMessaging).toBe(want);
      expect(load({ env: { SIG2RTM_OFFLINE_MESSAGING: raw }, flags: { dev: true } }).offlineMessaging).toBe(want);
    }
    expect(load({ file: file({ dev: true, offlineMessaging: false }) }).offlineMessaging).toBe(false);
    // The environment can turn off what the file turned on; a flag can turn it back on.
    const f = file({ dev: true, offlineMessaging: true });
    expect(load({ file: f, env: { SIG2RTM_OFFLINE_MESSAGING: 'false' } }).offlineMessaging).toBe(false);
    expect(load({ file: f, env: { SIG2RTM_OFFLINE_MESSAGING: 'false' }, flags: { 'offline-messaging': true } }).offlineMessaging).toBe(true);
  });

  test('strings and enums from each source', () => {
    const f = file({ dev: true, host: '0.0.0.0', logLevel: 'debug', store: 'memory', dataDir: '/var/x', adminToken: 'file-token' });
    const c = load({ file: f });
    expect([c.host, c.logLevel, c.store, c.dataDir, c.adminToken]).toEqual(['0.0.0.0', 'debug', 'memory', '/var/x', 'file-token']);
    const e = load({ file: f, env: { SIG2RTM_LOG_LEVEL: 'error', SIG2RTM_ADMIN_TOKEN: 'env-token', SIG2RTM_STORE: 'sqlite' } });
    expect([e.logLevel, e.adminToken, e.store]).toEqual(['error', 'env-token', 'sqlite']);
    const g = load({ file: f, env: { SIG2RTM_LOG_LEVEL: 'error' }, flags: { 'log-level': 'silent', 'admin-token': 'flag-token', 'data-dir': '/d' } });
    expect([g.logLevel, g.adminToken, g.dataDir]).toEqual(['silent', 'flag-token', '/d']);
  });
});

describe('bad values: a ConfigError naming the option as its source spells it', () => {
  const cases: [what: string, input: () => Parameters<typeof load>[0], names: string][] = [
    ['non-numeric port (flag)', () => ({ flags: { dev: true, port: 'abc' } }), '--port'],
    ['negative port (flag)', () => ({ flags: { dev: true, port: '-1' } }), '--port'],
    ['too large port (flag)', () => ({ flags: { dev: true, port: '65536' } }), '--port'],
    ['fractional port (flag)', () => ({ flags: { dev: true, port: '80.5' } }), '--port'],
    ['empty port (flag)', () => ({ flags: { dev: true, port: '' } }), '--port'],
    ['non-numeric port (env)', () => ({ env: { SIG2RTM_PORT: 'http' }, flags: { dev: true } }), 'SIG2RTM_PORT'],
    ['negative port (env)', () => ({ env: { SIG2RTM_PORT: '-5' }, flags: { dev: true } }), 'SIG2RTM_PORT'],
    ['too large port (env)', () => ({ env: { SIG2RTM_PORT: '70000' }, flags: { dev: true } }), 'SIG2RTM_PORT'],
    ['too large port (file)', () => ({ file: file({ dev: true, port: 70000 }) }), ': port'],
    ['negative port (file)', () => ({ file: file({ dev: true, port: -1 }) }), ': port'],
    ['string port (file)', () => ({ file: file({ dev: true, port: 'eighty' }) }), ': port'],
    ['fractional limit (file)', () => ({ file: file({ dev: true, limits: { messageBytes: 1.5 } }) }), ': limits.messageBytes'],
    ['bad limit (flag)', () => ({ flags: { dev: true, 'limit-message-bytes': 'lots' } }), '--limit-message-bytes'],
    ['bad nested limit (env)', () => ({ env: { SIG2RTM_LIMIT_USER_ATTRIBUTES_COUNT: '-1' }, flags: { dev: true } }), 'SIG2RTM_LIMIT_USER_ATTRIBUTES_COUNT'],
    ['bad timing (flag)', () => ({ flags: { dev: true, 'timing-heartbeat-ms': '2s' } }), '--timing-heartbeat-ms'],
    ['bad bool (flag)', () => ({ flags: { dev: 'maybe' } }), '--dev'],
    ['bad bool (env)', () => ({ env: { SIG2RTM_OFFLINE_MESSAGING: 'perhaps' }, flags: { dev: true } }), 'SIG2RTM_OFFLINE_MESSAGING'],
    ['bad bool (file)', () => ({ file: file({ dev: 1 }) }), ': dev'],
    ['unknown log level (flag)', () => ({ flags: { dev: true, 'log-level': 'verbose' } }), '--log-level'],
    ['unknown log level (env)', () => ({ env: { SIG2RTM_LOG_LEVEL: 'INFO' }, flags: { dev: true } }), 'SIG2RTM_LOG_LEVEL'],
    ['unknown log level (file)', () => ({ file: file({ dev: true, logLevel: 'loud' }) }), ': logLevel'],
    ['bad store (flag)', () => ({ flags: { dev: true, store: 'redis' } }), '--store'],
    ['bad store (env)', () => ({ env: { SIG2RTM_STORE: 'disk' }, flags: { dev: true } }), 'SIG2RTM_STORE'],
    ['bad store (file)', () => ({ file: file({ dev: true, store: 'postgres' }) }), ': store'],
    ['empty string (file)', () => ({ file: file({ dev: true, host: '' }) }), ': host'],
    ['rate without a window (flag)', () => ({ flags: { dev: true, 'rate-send': '5' } }), '--rate-send'],
    ['rate with a zero window (flag)', () => ({ flags: { dev: true, 'rate-send': '5/0' } }), '--rate-send'],
    ['rate in words (env)', () => ({ env: { SIG2RTM_RATE_SEND: 'five/second' }, flags: { dev: true } }), 'SIG2RTM_RATE_SEND'],
    ['negative rate (env)', () => ({ env: { SIG2RTM_RATE_JOIN: '-1/1000' }, flags: { dev: true } }), 'SIG2RTM_RATE_JOIN'],
    ['rate object without windowMs (file)', () => ({ file: file({ dev: true, rates: { send: { limit: 5 } } }) }), ': rates.send'],
    ['rate object with a zero window (file)', () => ({ file: file({ dev: true, rates: { send: { limit: 5, windowMs: 0 } } }) }), ': rates.send'],
    ['rate as a number (file)', () => ({ file: file({ dev: true, rates: { send: 5 } }) }), ': rates.send'],
    ['short appId (flag)', () => ({ flags: { app: ['abc'] } }), '--app'],
    ['appId with a bad character (flag)', () => ({ flags: { app: [`${A.slice(0, 31)}-`] } }), '--app'],
    ['short certificate (flag)', () => ({ flags: { app: [`${A}:xyz`] } }), '--app'],
    ['extra field after the certificate (flag)', () => ({ flags: { app: [`${A}:${CERT1}:junk`] } }), '--app'],
    ['bad appId (env)', () => ({ env: { SIG2RTM_APP: `${A},nope` } }), 'SIG2RTM_APP'],
    ['bad certificate (env)', () => ({ env: { SIG2RTM_APP: `${A}:short` } }), 'SIG2RTM_APP'],
    ['bad appId (file)', () => ({ file: file({ apps: { tooShort: {} } }) }), ': apps'],
    ['bad certificate (file)', () => ({ file: file({ apps: { [A]: { certificate: 'nope' } } }) }), ': apps'],
    ['certificate not a string (file)', () => ({ file: file({ apps: { [A]: { certificate: 42 } } }) }), ': apps'],
  ];

  test.each(cases)('%s', (_what, input, names) => {
    const err = configError(() => load(input()));
    expect(err.message).toContain(names);
    if (names.startsWith(': ')) expect(err.message).toMatch(/^config file .*c\d+\.json: /);
  });

  test('the file source is spelled "config file <path>: <option>"', () => {
    const f = file({ dev: true, port: 99999 });
    expect(configError(() => load({ file: f })).message).toContain(`config file ${f}: port`);
  });

  test('an unknown key in the file', () => {
    const f = file({ dev: true, prot: 8080 });
    const err = configError(() => load({ file: f }));
    expect(err.message).toContain(`config file ${f}`);
    expect(err.message).toContain('prot');
  });

  test('an unknown nested key in the file (a typo must not be ignored silently)', () => {
    for (const content of [{ dev: true, limits: { messageByte: 10 } }, { dev: true, rates: { sned: { limit: 1, windowMs: 1 } } }, { dev: true, timings: { heartbeat: 1 } }]) {
      const f = file(content);
      const err = configError(() => load({ file: f }));
      expect(err.message).toContain(`config file ${f}`);
      expect(err.message).toMatch(/messageByte|sned|heartbeat/);
    }
  });

  test('a group that is not an object in the file', () => {
    const f = file({ dev: true, limits: 5 });
    const err = configError(() => load({ file: f }));
    expect(err.message).toContain(`config file ${f}: limits`);
  });

  test('an unreadable file, invalid JSON, JSON that is not an object', () => {
    const missing = path.join(dir, 'does-not-exist.json');
    expect(configError(() => load({ file: missing })).message).toContain(`config file ${missing}`);
    const bad = file('{"port": 80,');
    expect(configError(() => load({ file: bad })).message).toContain(`config file ${bad}`);
    const scalar = file('42');
    expect(configError(() => load({ file: scalar })).message).toContain(`config file ${scalar}`);
    const nul = file('null');
    expect(configError(() => load({ file: nul })).message).toContain(`config file ${nul}`);
    // SIG2RTM_CONFIG pointing nowhere is the same error.
    expect(configError(() => load({ env: { SIG2RTM_CONFIG: missing } })).message).toContain(`config file ${missing}`);
  });

  test('a TLS key without a certificate, and a certificate without a key', () => {
    const key = file('key');
    const cert = file('cert');
    expect(configError(() => load({ flags: { dev: true, 'tls-key': key } })).message).toMatch(/--tls-key.*--tls-cert|--tls-cert.*--tls-key/);
    expect(configError(() => load({ flags: { dev: true, 'tls-cert': cert } })).message).toMatch(/--tls-cert/);
    expect(configError(() => load({ env: { SIG2RTM_TLS_KEY: key }, flags: { dev: true } })).message).toContain('SIG2RTM_TLS_KEY');
    expect(configError(() => load({ file: file({ dev: true, tlsCert: cert }) })).message).toContain(': tlsCert');
    // Both together: fine.
    const c = load({ flags: { dev: true, 'tls-key': key, 'tls-cert': cert } });
    expect([c.tlsKey, c.tlsCert]).toEqual([key, cert]);
  });

  test('a TLS file that does not exist', () => {
    const key = file('key');
    const gone = path.join(dir, 'missing-cert.pem');
    const err = configError(() => load({ flags: { dev: true, 'tls-key': key, 'tls-cert': gone } }));
    expect(err.message).toContain('--tls-cert');
    expect(err.message).toContain(gone);
    const envErr = configError(() => load({ env: { SIG2RTM_TLS_KEY: gone, SIG2RTM_TLS_CERT: key }, flags: { dev: true } }));
    expect(envErr.message).toContain('SIG2RTM_TLS_KEY');
    expect(envErr.message).toContain(gone);
  });

  test('unreachable-after must be below offline-after', () => {
    const flagErr = configError(() => load({ flags: { dev: true, 'timing-unreachable-after-ms': '30000' } }));
    expect(flagErr.message).toContain('--timing-unreachable-after-ms');
    expect(flagErr.message).toContain('offline-after-ms');
    const envErr = configError(() => load({ env: { SIG2RTM_TIMING_OFFLINE_AFTER_MS: '6000' }, flags: { dev: true } }));
    expect(envErr.message).toContain('SIG2RTM_TIMING_OFFLINE_AFTER_MS');
    const fileErr = configError(() => load({ file: file({ dev: true, timings: { unreachableAfterMs: 100, offlineAfterMs: 50 } }) }));
    expect(fileErr.message).toContain('timings.unreachableAfterMs');
    // One below is fine.
    expect(load({ flags: { dev: true, 'timing-unreachable-after-ms': '29999' } }).timings.unreachableAfterMs).toBe(29_999);
  });

  test('no app and no --dev', () => {
    const err = configError(() => load({}));
    expect(err.message).toContain('--app');
    expect(err.message).toContain('--dev');
    // --dev false is no --dev.
    expect(configError(() => load({ flags: { dev: 'false' } })).message).toContain('--app');
    expect(load({ flags: { app: [A] } }).dev).toBe(false);
  });
});

describe('the option table', () => {
  test('every option has a unique flag and environment name, derived from each other', () => {
    const flags = OPTION_SPECS.map((s) => s.flag);
    const envs = OPTION_SPECS.map((s) => s.env);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
    expect(flags).not.toContain('config');
    expect(flags).not.toContain('help');
    for (const s of OPTION_SPECS) {
      expect(s.flag).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(s.env).toBe(`SIG2RTM_${s.flag.replace(/-/g, '_').toUpperCase()}`);
    }
  });

  test('every limit, timing and rate of the core is an option', () => {
    const paths = new Set(OPTION_SPECS.map((s) => s.path.join('.')));
    for (const [k, v] of Object.entries(DEFAULT_LIMITS)) {
      if (typeof v === 'number') expect(paths).toContain(`limits.${k}`);
      else for (const sub of Object.keys(v)) expect(paths).toContain(`limits.${k}.${sub}`);
    }
    for (const k of Object.keys(DEFAULT_TIMINGS)) expect(paths).toContain(`timings.${k}`);
    for (const k of Object.keys(DEFAULT_RATES)) expect(paths).toContain(`rates.${k}`);
  });

  test('the webhook queue, retries and timeouts are options; a count of 0 is an error naming the option', () => {
    const c = load({ flags: { dev: true, 'webhook-queue-size': '50', 'webhook-queue-bytes': '4096', 'webhook-backoff-base-ms': '0' }, env: { SIG2RTM_WEBHOOK_CONCURRENCY: '2' } });
    expect(c.webhookTuning).toEqual({ ...DEFAULT_WEBHOOK_TUNING, queueSize: 50, queueBytes: 4096, backoffBaseMs: 0, concurrency: 2 });
    expect(() => load({ flags: { dev: true, 'webhook-concurrency': '0' } })).toThrow('--webhook-concurrency: must be a whole number >= 1, got "0"');
    expect(() => load({ flags: { dev: true }, env: { SIG2RTM_WEBHOOK_MAX_ATTEMPTS: '0' } })).toThrow('SIG2RTM_WEBHOOK_MAX_ATTEMPTS: must be a whole number >= 1, got "0"');
  });

  test('each option, through its own flag and its own environment variable, reaches its own field', () => {
    const sample = (kind: string): string => (kind === 'int' || kind === 'count' || kind === 'port' ? '7' : kind === 'format' ? 'pretty' : kind === 'bool' ? 'true' : kind === 'rate' ? '3/700' : kind === 'level' ? 'debug' : kind === 'store' ? 'memory' : kind === 'apps' ? A : 'value');
    const at = (c: ServiceConfig, p: readonly string[]): unknown => p.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);
    for (const s of OPTION_SPECS) {
      if (s.path[0] === 'tlsKey' || s.path[0] === 'tlsCert') continue; // need real files; covered above
      // offline-after must stay above the default unreachable-after (6000).
      const raw = s.path[1] === 'offlineAfterMs' ? '70000' : s.path[0] === 'redis' ? 'redis://h:1' : s.path[0] === 'nodeLeaseMs' ? '700' : sample(s.kind);
      const want = s.kind === 'int' || s.kind === 'count' || s.kind === 'port' ? Number(raw) : s.kind === 'bool' ? true : s.kind === 'rate' ? { limit: 3, windowMs: 700 } : s.kind === 'apps' ? { [A]: {} } : raw;
      const base: Flags = s.path[0] === 'dev' ? {} : { dev: true };
      expect([s.flag, at(load({ flags: { ...base, [s.flag]: raw } }), s.path)]).toEqual([s.flag, want]);
      expect([s.env, at(load({ env: { [s.env]: raw }, flags: base }), s.path)]).toEqual([s.env, want]);
    }
  });

  test('every option appears in `sig2rtm serve --help`, with its environment variable', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const program = buildProgram({ env: {}, stdout: (l) => out.push(l), stderr: (l) => err.push(l), exit: () => undefined });
    await expect(program.parseAsync(['serve', '--help'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
    const help = out.join('\n');
    expect(help).toContain('--config <file>');
    expect(help).toContain('Precedence');
    for (const s of OPTION_SPECS) {
      expect(help).toMatch(new RegExp(`--${s.flag}[ ,\\n]`));
      expect(help).toContain(s.env);
    }
    expect(err).toEqual([]);
  });
});

describe('the documented example file and the JSON Schema', () => {
  const root = path.resolve(__dirname, '../..');
  const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(root, name), 'utf8'));

  test('sig2rtm.example.json and sig2rtm.schema.json are what the schema makes (npm run config-docs)', () => {
    expect(read('sig2rtm.example.json')).toEqual(exampleConfig());
    expect(read('sig2rtm.schema.json')).toEqual(configJsonSchema());
  });

  test('the example loads, holds every option that has a default, and gives the defaults', () => {
    const c = load({ file: path.join(root, 'sig2rtm.example.json') });
    expect({ ...c, apps: {} }).toEqual(defaultConfig());
    expect(Object.keys(c.apps)).toHaveLength(2);
    const example = read('sig2rtm.example.json');
    for (const s of OPTION_SPECS) {
      const v = s.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], example);
      if (s.defaultText !== undefined && !['none', 'on with --dev, off otherwise', 'none: admin off'].includes(s.defaultText)) expect([s.flag, v === undefined]).toEqual([s.flag, false]);
    }
  });

  test('the JSON Schema refuses what loadConfig refuses: a string app, "dev": "yes", unknown keys', () => {
    const schema = configJsonSchema() as { properties: Record<string, { type?: string; additionalProperties?: unknown }>; additionalProperties: unknown };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.dev?.type).toBe('boolean');
    expect(schema.properties.apps?.additionalProperties).toMatchObject({ type: 'object', additionalProperties: false });
  });
});

describe('--redis', () => {
  test('takes a redis:// or rediss:// URL; anything else, or a lease under 100 ms, stops start-up naming the option', () => {
    expect(load({ flags: { dev: true, redis: 'redis://127.0.0.1:6380/2' } }).redis).toBe('redis://127.0.0.1:6380/2');
    expect(load({ flags: { dev: true } })).toMatchObject({ redis: undefined, redisPrefix: 'sig2rtm:', nodeLeaseMs: 10_000 });
    expect(() => load({ flags: { dev: true, redis: 'localhost:6379' } })).toThrow('--redis: must be a redis:// or rediss:// URL, got "localhost:6379"');
    expect(() => load({ env: { SIG2RTM_REDIS: 'http://x' }, flags: { dev: true } })).toThrow('SIG2RTM_REDIS: must be a redis:// or rediss:// URL');
    expect(() => load({ flags: { dev: true, 'node-lease-ms': '99' } })).toThrow('--node-lease-ms: must be at least 100, got 99');
    expect(load({ flags: { dev: true, 'node-lease-ms': '100' } }).nodeLeaseMs).toBe(100);
  });
});
