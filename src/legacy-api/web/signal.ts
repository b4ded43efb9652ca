/**
 * `Signal(appId)`: the legacy web SDK's global factory (AgoraSig.js), callable with or without
 * `new`, tolerating a missing appId for `getSDKVersion()`.
 */

import type { ClientFactory, LegacyOptions } from '../engine/engine';
import { Session } from './session';
import { WebSkin } from './skin';

/** The web SDK version sig2rtm's web flavour reproduces. */
export const WEB_SDK_VERSION = '1.4.0';
const WEB_SDK_VERSION_INT = 1010400000;
const DEFAULT_RECONNECT_TIME_MS = 300_000;
const DEFAULT_RECONNECT_COUNT = 10;

export interface SignalInstance {
  readonly appid: string;
  /** `login(account, token, reconnect_count?, reconnect_time?)` → Session, synchronously. */
  login(account: string, token: string, reconnect_count?: number, reconnect_time?: number): Session;
  getSDKVersion(): string;
  getSDKVersion_int(): number;
  setDoLog(isEnabled?: boolean, level?: string): void;
  /** Test-environment switches of the legacy SDK: accepted and ignored. */
  setup_debugging(kind: string, arg: string): void;
  setUpDebugging(kind: string, arg: string): void;
}

/**
 * Builds the `Signal` factory around a way to make RTM clients (the browser bundle and Node pass
 * different ones) and default options (the bundle's server address).
 */
export function makeSignal(createClient: ClientFactory, defaults: () => LegacyOptions = () => ({})) {
  return function Signal(appId?: string, options?: LegacyOptions): SignalInstance {
    const appid = typeof appId === 'string' ? appId : '';
    let doLog = false;
    return {
      appid,
      login(account, token, reconnectCount = DEFAULT_RECONNECT_COUNT, reconnectTime = DEFAULT_RECONNECT_TIME_MS) {
        const skin = new WebSkin(appid, { ...defaults(), ...options }, createClient);
        skin.doLog = doLog;
        const session = new Session(skin, typeof account === 'string' ? account : JSON.stringify(account));
        skin.session = session;
        // Web 1.4 code: both limits in one loop, reconnect_time in milliseconds (the docs say seconds: legacy-signaling.md §4.2).
        const reconnect = {
          count: Number(reconnectCount) > 0 ? Math.floor(Number(reconnectCount)) : DEFAULT_RECONNECT_COUNT,
          ms: Number(reconnectTime) > 0 ? Number(reconnectTime) : DEFAULT_RECONNECT_TIME_MS,
        };
        skin.holdDuring(() => skin.engine.session.login2(appid, session.account, typeof token === 'string' ? token : '', 30, 3, reconnect));
        return session;
      },
      getSDKVersion: () => WEB_SDK_VERSION,
      getSDKVersion_int: () => WEB_SDK_VERSION_INT,
      setDoLog(isEnabled = false) {
        doLog = Boolean(isEnabled);
      },
      setup_debugging: () => undefined,
      setUpDebugging: () => undefined,
    };
  };
}
