/**
 * A recording test double of the app's ORIGINAL legacy Signaling SDK (which cannot run here). It
 * implements LegacySignalingApi with every legacy instance method, records each call with its
 * arguments in order, and does nothing else: no network, no callbacks of its own. `simulate`
 * fires a callback on the object given to `callbackSet`, as the original SDK would, and keeps
 * `getStatus()` consistent with onLoginSuccess / onLoginFailed / onLogout.
 */

import type { AgoraAPI, CallbackArgs, CallbackName, ICallBack, LegacySignalingApi } from '../../../src/legacy';
import { METHODS, type LegacyMethodName } from '../../../src/mapping/methods';

export type Call = [string, ...unknown[]];

/** Every legacy instance method (the mapping table's rows but the two static factories). */
type InstanceMethod = Exclude<LegacyMethodName, 'AgoraAPI.getInstance' | 'AgoraAPI.createAgoraSDKInstance'>;
const INSTANCE_METHODS = (Object.keys(METHODS) as LegacyMethodName[]).filter((m): m is InstanceMethod => !m.startsWith('AgoraAPI.'));
/** Methods written out below; the others are installed from the table. */
const OWN = ['callbackSet', 'callbackGet', 'login', 'login2', 'logout', 'getStatus', 'isOnline', 'getSdkVersion'] as const;
type Generated = Exclude<InstanceMethod, (typeof OWN)[number]>;

/** What the double answers for getSdkVersion (any number: it is the original SDK's). */
export const ORIGINAL_SDK_VERSION = 1010400000;

// The generated methods are installed on the prototype (bottom of this file); this gives them types.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface RecordingLegacySdk extends Pick<AgoraAPI, Generated> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class RecordingLegacySdk implements LegacySignalingApi {
  /** Every call, in order: [method, ...arguments exactly as received]. */
  readonly calls: Call[] = [];
  /** The object the app gave to callbackSet. */
  callbacks: ICallBack | null | undefined;
  /** 0 logged out, 1 logging in, 2 logged in (the legacy getStatus values). */
  status = 0;

  /** @internal */
  record(name: string, args: unknown[]): void {
    this.calls.push([name, ...args]);
  }

  /** The calls that change something, i.e. without the status queries (getStatus, isOnline, callbackGet). */
  get actions(): Call[] {
    return this.calls.filter(([name]) => !['getStatus', 'isOnline', 'callbackGet', 'getSdkVersion'].includes(name));
  }

  /** Argument lists of every call to `name`. */
  of(name: string): unknown[][] {
    return this.calls.filter((c) => c[0] === name).map((c) => c.slice(1));
  }

  /** Fires `name` on the callback object, as the original SDK would. */
  simulate<K extends CallbackName>(name: K, ...args: CallbackArgs<K>): void {
    if (name === 'onLoginSuccess') this.status = 2;
    if (name === 'onLoginFailed' || name === 'onLogout') this.status = 0;
    const cb = this.callbacks;
    const fn = cb?.[name] as ((...a: unknown[]) => void) | undefined;
    fn?.apply(cb, args);
  }

  callbackSet(callback: ICallBack | null | undefined): void {
    this.record('callbackSet', [callback]);
    this.callbacks = callback;
  }

  callbackGet(): ICallBack | undefined {
    this.record('callbackGet', []);
    return this.callbacks ?? undefined;
  }

  login(...args: Parameters<AgoraAPI['login']>): void {
    this.record('login', args);
    this.status = 1;
  }

  login2(...args: Parameters<AgoraAPI['login2']>): void {
    this.record('login2', args);
    this.status = 1;
  }

  logout(): void {
    this.record('logout', []);
  }

  getStatus(): number {
    this.record('getStatus', []);
    return this.status;
  }

  isOnline(): boolean {
    this.record('isOnline', []);
    return this.status === 2;
  }

  getSdkVersion(): number {
    this.record('getSdkVersion', []);
    return ORIGINAL_SDK_VERSION;
  }
}

for (const name of INSTANCE_METHODS) {
  if ((OWN as readonly string[]).includes(name)) continue;
  Object.defineProperty(RecordingLegacySdk.prototype, name, {
    value: function (this: RecordingLegacySdk, ...args: unknown[]) {
      this.record(name, args);
    },
    writable: true,
    configurable: true,
  });
}
