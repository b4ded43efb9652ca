/** The web flavour's handler names and a recorder of every handler call of one session, in order. */

import { crc32 } from 'node:zlib';
import { Signal, type Session } from '../../../src/legacy';
import { APP_ID, Harness, sleep, until } from '../../helpers/harness';

export type Entry = [string, ...unknown[]];
/** The uid sig2rtm gives an account (CRC-32 of it). */
export const uidOf = (account: string): number => crc32(account) >>> 0;

/** Every handler call of one session (its Session, Channel and Calls), in order. */
export class WebLog {
  readonly entries: Entry[] = [];

  fn(name: string) {
    return (...args: unknown[]) => {
      this.entries.push([name, ...args]);
    };
  }

  /** Sets a recording handler for each name on `host`. */
  attach(host: object, names: readonly string[], prefix = ''): void {
    for (const n of names) (host as Record<string, unknown>)[n] = this.fn(prefix + n);
  }

  names(): string[] {
    return this.entries.map((e) => e[0]);
  }

  has(name: string): boolean {
    return this.entries.some((e) => e[0] === name);
  }

  async wait(name: string, ms = 3000): Promise<unknown[]> {
    await until(() => this.has(name), ms, `${name} (got ${JSON.stringify(this.entries)})`);
    return this.entries.find((e) => e[0] === name)!.slice(1);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export const SESSION_HANDLERS = ['onLoginSuccess', 'onLoginFailed', 'onLogout', 'onMessageInstantReceive', 'onInviteReceived', 'onError'] as const;
export const CHANNEL_HANDLERS = [
  'onChannelJoined', 'onChannelJoinFailed', 'onChannelLeaved', 'onChannelUserList', 'onChannelUserJoined',
  'onChannelUserLeaved', 'onChannelAttrUpdated', 'onMessageChannelReceive',
] as const;
export const CALL_HANDLERS = [
  'onInviteReceivedByPeer', 'onInviteAcceptedByPeer', 'onInviteRefusedByPeer', 'onInviteFailed',
  'onInviteEndByPeer', 'onInviteEndByMyself', 'onInviteMsg',
] as const;

/**
 * A real test server per test, and web sessions against it that are logged out afterwards.
 * `login(account)` resolves once logged in, with the Session's handlers recording into `log`
 * (set after login() returned, as apps do).
 */
export function useWebSessions() {
  const h = new Harness();
  const sessions: Session[] = [];
  beforeEach(() => h.start());
  afterEach(async () => {
    for (const s of sessions.splice(0)) if (s.getStatus() !== 0) s.logout();
    await sleep(20);
    await h.stop();
  });
  const signal = (appId: string | undefined = APP_ID) => Signal(appId, { serverUrl: h.server.url, rtm: { reconnect: { minMs: 20, maxMs: 100 } } });
  async function login(account: string): Promise<{ s: Session; log: WebLog }> {
    const s = signal().login(account, '_no_need_token');
    sessions.push(s);
    const log = new WebLog();
    log.attach(s, SESSION_HANDLERS.filter((n) => n !== 'onInviteReceived'));
    await log.wait('onLoginSuccess');
    log.clear();
    return { s, log };
  }
  return { h, sessions, signal, login };
}

/** A web session (handlers set after login() returned, as apps do), logged in; kept in `sessions` for cleanup. */
export async function webLoginTo(serverUrl: string, sessions: Session[], account: string, appId = APP_ID): Promise<Session> {
  const s = Signal(appId, { serverUrl }).login(account, '_no_need_token');
  sessions.push(s);
  await until(() => s.getStatus() === 2, 3000, `${account} logged in`);
  return s;
}
