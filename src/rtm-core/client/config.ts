/**
 * Client configuration: the SDK's own `RtmConfig` keys plus sig2rtm's, one defaults object, one
 * normalisation step, and the server-address resolution order:
 * `serverUrl` → `SIG2RTM_URL` (Node) → `globalThis.SIG2RTM_SERVER_URL` (a page sets it) → the
 * embedded core (Node) or a clear error at once (browser builds, embedded.browser.ts). Never the page's
 * own origin: a bundled app's page is rarely served by the sig2rtm server.
 */

import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { RtmInvalidArgumentError } from './errors';
import { DEFAULT_INVITATION_TIMINGS, type InvitationTimings } from './invitations';
import type { TransportFactory } from './transports/transport';
import type { RtmConfig } from './types';

export interface Sig2rtmClientConfig extends RtmConfig {
  /** ws:// or wss:// address of a sig2rtm server, e.g. `ws://localhost:8080/rtm`. */
  serverUrl?: string;
  /** Replace the transport (advanced; tests and custom environments). */
  transport?: TransportFactory;
  /** Replace the clock (tests). */
  clock?: Clock;
  /** Reconnect backoff. */
  reconnect?: Partial<BackoffOptions>;
  /** Login gives up after this long. Default 12 000 ms (Web SDK). */
  loginTimeoutMs?: number;
  /**
   * One connection attempt (TCP, WebSocket handshake, login answer) gives up after this long and
   * the next one starts, with backoff (a server that accepts but never answers). Default 5000.
   */
  attemptTimeoutMs?: number;
  /** Per-request timeout. Default 10 000 ms (Web SDK). */
  requestTimeoutMs?: number;
  /** Call-invitation timers (rtm-1x.md §8.6). */
  invitation?: Partial<InvitationTimings>;
  /**
   * Extension: let several RtmChannel instances of one id share a single membership instead of
   * failing with ALREADY_JOINED_CHANNEL_OF_SAME_ID (202). The legacy API turns it on so that
   * legacy and migrated RTM code can be in the same channel on one login.
   */
  sharedChannels?: boolean;
  /**
   * Extension legacy/1: accept legacy Signaling names for user and channel IDs (up to 128 visible
   * characters, any script, e.g. `张三`) and any appId (the server decides). The legacy API turns
   * it on; plain RTM clients keep the SDK's own checks.
   */
  legacyNames?: boolean;
}

const KNOWN_KEYS = new Set<string>([
  'enableLogUpload', 'logFilter', 'enableCloudProxy',
  'serverUrl', 'transport', 'clock', 'reconnect', 'loginTimeoutMs', 'attemptTimeoutMs', 'requestTimeoutMs', 'invitation', 'sharedChannels', 'legacyNames',
]);

export interface ResolvedClientConfig {
  serverUrl: string | undefined;
  transport: TransportFactory | undefined;
  clock: Clock;
  backoff: BackoffOptions;
  loginTimeoutMs: number;
  attemptTimeoutMs: number;
  requestTimeoutMs: number;
  invitation: InvitationTimings;
  sharedChannels: boolean;
  legacyNames: boolean;
}

export function resolveClientConfig(config: Sig2rtmClientConfig | undefined): ResolvedClientConfig {
  const c = config ?? {};
  if (typeof c !== 'object') throw new RtmInvalidArgumentError(1, 'Invalid RTM config');
  for (const key of Object.keys(c)) if (!KNOWN_KEYS.has(key)) throw new RtmInvalidArgumentError(1, `Invalid RTM config: unknown key ${key}`);
  if (c.serverUrl !== undefined && (typeof c.serverUrl !== 'string' || !/^wss?:\/\//.test(c.serverUrl))) {
    throw new RtmInvalidArgumentError(1, 'Invalid RTM config: serverUrl must start with ws:// or wss://');
  }
  return {
    serverUrl: c.serverUrl ?? envUrl() ?? globalUrl(),
    transport: c.transport,
    clock: c.clock ?? systemClock,
    backoff: { ...DEFAULT_BACKOFF, ...c.reconnect },
    loginTimeoutMs: c.loginTimeoutMs ?? 12_000,
    attemptTimeoutMs: c.attemptTimeoutMs ?? 5000,
    requestTimeoutMs: c.requestTimeoutMs ?? 10_000,
    invitation: { ...DEFAULT_INVITATION_TIMINGS, ...c.invitation },
    sharedChannels: c.sharedChannels === true,
    legacyNames: c.legacyNames === true,
  };
}

function envUrl(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const url = env?.SIG2RTM_URL;
  return url !== undefined && url !== '' ? url : undefined;
}

function globalUrl(): string | undefined {
  const url = (globalThis as { SIG2RTM_SERVER_URL?: unknown }).SIG2RTM_SERVER_URL;
  return typeof url === 'string' && url !== '' ? url : undefined;
}
