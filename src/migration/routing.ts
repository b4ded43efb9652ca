/**
 * Gradual migration, step one: `createSignaling({ appId, flag, legacy })` returns an object with the
 * legacy native surface that decides, at each login, whether the app's own original SDK instance
 * (passed through untouched) or sig2rtm serves that login. Every other call goes to the side the
 * current login is on. The decision and its reason are logged and counted.
 */

import { AgoraAPI, type AgoraAPIOptions } from '../legacy-api/native/agora-api';
import type { ICallBack } from '../legacy-api/native/callback';
import { AgoraECode } from '../mapping/legacy-codes';
import { METHODS, type LegacyMethodName } from '../mapping/methods';
import { operationName } from '../mapping/operations';
import type { RtmClient } from '../rtm-core/client/client';
import { evaluateFlag, type FlagSource, type Route } from './flag';

type Instance = Exclude<LegacyMethodName, 'AgoraAPI.getInstance' | 'AgoraAPI.createAgoraSDKInstance'>;
/** Calls the router handles itself rather than forwarding. */
type Own = 'callbackSet' | 'callbackGet' | 'login' | 'login2' | 'logout' | 'getStatus' | 'isOnline' | 'destroy' | 'getSdkVersion';
type Forwarded = Exclude<Instance, Own>;

/** The app's original legacy SDK instance: the legacy native surface (undocumented calls optional). */
export type LegacySignalingApi = Pick<AgoraAPI, 'callbackSet' | 'login' | 'logout' | 'getStatus'> & Partial<Pick<AgoraAPI, Instance>>;

export interface RoutingDecision {
  account: string;
  route: Route;
  reason: string;
  /** How long the flag took, ms. */
  ms: number;
}

export interface CreateSignalingOptions {
  appId: string;
  /** true / an env var / a percentage rollout / a (possibly async) function such as an OpenFeature client. */
  flag: FlagSource;
  /** The app's own original SDK instance, used when the flag says no. */
  legacy: LegacySignalingApi;
  /** Options of the sig2rtm instance (serverUrl, compat, …). */
  sig2rtm?: AgoraAPIOptions;
  /** Where a login goes when the flag throws, times out or answers nonsense. Default 'legacy'. */
  fallback?: Route;
  /** How long to wait for the flag. Default 2000 ms. */
  flagTimeoutMs?: number;
  /** Receives every decision (default: one JSON line on stdout). */
  log?: (decision: RoutingDecision) => void;
  env?: NodeJS.ProcessEnv;
}

// The forwarded methods are installed on the prototype from the mapping table (bottom of this
// file); this interface gives them their types.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface RoutedSignaling extends Pick<AgoraAPI, Forwarded> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class RoutedSignaling {
  /** Decisions so far, by route. */
  readonly counts: Record<Route | 'fallback', number> = { sig2rtm: 0, legacy: 0, fallback: 0 };
  readonly decisions: RoutingDecision[] = [];
  private callback: ICallBack | undefined;
  private sig2rtm: AgoraAPI | undefined;
  /** The side the current (or last) login is on. */
  private route: Route;
  /** Calls made between login() and the decision, replayed on the chosen side. */
  private queue: [string, unknown[]][] | undefined;
  private generation = 0;

  constructor(private readonly options: CreateSignalingOptions) {
    this.route = options.fallback ?? 'legacy';
    installForwarders();
  }

  /** Which side serves the current login. */
  get current(): Route {
    return this.route;
  }

  private impl(route: Route = this.route): LegacySignalingApi {
    if (route === 'legacy') return this.options.legacy;
    this.sig2rtm ??= AgoraAPI.createAgoraSDKInstance(this.options.appId, this.options.sig2rtm);
    if (this.callback) this.sig2rtm.callbackSet(this.callback);
    return this.sig2rtm;
  }

  /** The RtmClient under the sig2rtm side, for code already migrated to the RTM API. */
  getRtmClient(): RtmClient | undefined {
    return this.route === 'sig2rtm' ? this.sig2rtm?.getRtmClient() : undefined;
  }

  callbackSet(callback: ICallBack | null | undefined): void {
    this.callback = callback ?? undefined;
    this.options.legacy.callbackSet(callback);
    this.sig2rtm?.callbackSet(callback);
  }

  callbackGet(): ICallBack | undefined {
    return this.callback;
  }

  // The arguments go on exactly as the app passed them (the original SDK sees an untouched call).
  login(...args: Parameters<AgoraAPI['login']>): void {
    this.decideThen(args[1], (impl) => impl.login(...args));
  }

  login2(...args: Parameters<AgoraAPI['login2']>): void {
    this.decideThen(args[1], (impl) => {
      if (impl.login2) impl.login2(...args);
      else impl.login(args[0], args[1], args[2], args[3], args[4]);
    });
  }

  private decideThen(account: string, login: (impl: LegacySignalingApi) => void): void {
    const o = this.options;
    const generation = ++this.generation;
    this.queue = [];
    const started = Date.now();
    void evaluateFlag(o.flag, { account, appId: o.appId }, { env: o.env ?? process.env, timeoutMs: o.flagTimeoutMs ?? 2000, fallback: o.fallback ?? 'legacy' }).then((d) => {
      if (generation !== this.generation) return; // a newer login (or logout) superseded this one
      const decision: RoutingDecision = { account, route: d.route, reason: d.reason, ms: Date.now() - started };
      this.decisions.push(decision);
      this.counts[d.route]++;
      if (d.reason.endsWith('fallback')) this.counts.fallback++;
      (o.log ?? ((x) => console.info(JSON.stringify({ sig2rtm: 'routing', ...x }))))(decision);
      this.callback?.onLog?.(`[sig2rtm] login of ${account} → ${d.route} (${d.reason})`);
      this.route = d.route;
      const impl = this.impl();
      login(impl);
      const queued = this.queue ?? [];
      this.queue = undefined;
      for (const [name, args] of queued) this.forward(name, args);
    });
  }

  logout(): void {
    if (this.queue) {
      this.queue.push(['logout', []]);
      return;
    }
    this.impl().logout();
  }

  getStatus(): number {
    if (this.queue) return 1; // deciding counts as logging in
    return this.impl().getStatus();
  }

  isOnline(): boolean {
    if (this.queue) return false;
    const impl = this.impl();
    return impl.isOnline ? impl.isOnline() : impl.getStatus() === 2;
  }

  getSdkVersion(): number {
    return this.impl().getSdkVersion?.() ?? 0;
  }

  destroy(): void {
    this.generation++;
    this.queue = undefined;
    this.options.legacy.destroy?.();
    this.sig2rtm?.destroy();
    this.sig2rtm = undefined;
  }

  /** @internal Sends a call to the current side (or queues it while the flag is deciding). */
  forward(name: string, args: unknown[]): void {
    if (this.queue) {
      this.queue.push([name, args]);
      return;
    }
    const impl = this.impl() as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>;
    const fn = impl[name];
    if (typeof fn === 'function') fn.apply(impl, args);
    else this.callback?.onError?.(operationName(name), AgoraECode.GENERAL_E_FAILED, `${name}: not available on the ${this.route} side`);
  }
}

let forwardersInstalled = false;

/**
 * Every other legacy method, from the mapping table: forwarded as is. Installed by the first
 * instance rather than at load, so that a bundle importing only `Signal` from `sig2rtm/legacy`
 * leaves the router (and the method table) out.
 */
function installForwarders(): void {
  if (forwardersInstalled) return;
  forwardersInstalled = true;
  const own: readonly string[] = ['callbackSet', 'callbackGet', 'login', 'login2', 'logout', 'getStatus', 'isOnline', 'destroy', 'getSdkVersion'] satisfies Own[];
  for (const name of Object.keys(METHODS) as LegacyMethodName[]) {
    if (name.startsWith('AgoraAPI.') || own.includes(name)) continue;
    Object.defineProperty(RoutedSignaling.prototype, name, {
      value: function (this: RoutedSignaling, ...args: unknown[]) {
        this.forward(name, args);
      },
      writable: true,
      configurable: true,
    });
  }
}

export function createSignaling(options: CreateSignalingOptions): RoutedSignaling {
  return new RoutedSignaling(options);
}
