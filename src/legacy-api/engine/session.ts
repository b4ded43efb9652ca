/**
 * Login, logout and the connection: `login` / `login2` (with their retry time and count),
 * `logout`, `getStatus`, and RTM's connection states turned into `onReconnecting`,
 * `onReconnected` and `onLogout`.
 */

import type { RtmClient } from '../../rtm-core/client/client';
import { isLegacyName } from '../../rtm-core/protocol/legacy-limits';
import { LoginError } from '../../rtm-core/protocol/codes';
import { legacyCode, loginFailure, logoutReason } from '../../mapping/code-maps';
import { AgoraECode } from '../../mapping/legacy-codes';
import { describe, rtmCode, type EngineContext } from './context';

/** Legacy documented defaults for login retries (login2's retry_time_in_s and retry_count). */
export const LOGIN_RETRY_DEFAULTS = { seconds: 30, count: 3 };

/** Failures worth another try: the network, not the credentials. */
const RETRYABLE = new Set<number>([LoginError.TIMEOUT, LoginError.UNKNOWN, LoginError.REJECTED, LoginError.TOO_OFTEN]);

export interface SessionHooks {
  /** Gets (or makes) the RtmClient for `appId`. */
  clientFor(appId: string): RtmClient;
  /** Drops channels, calls and timers of the session that ended. */
  endSession(): void;
  /** Just logged in: restore what compat asks for (user attributes). */
  loggedIn(client: RtmClient): Promise<void> | void;
}

/** How long and how many times to try getting back after a drop; past either: onLogout(102). */
export interface ReconnectLimits {
  /** Attempts per outage (login2 `retry_count`, web `reconnect_count`). */
  count: number;
  /** Time per outage, ms (login2 `retry_time_in_s`, web `reconnect_time`). */
  ms: number;
}

export class LegacySession {
  /** The limits of the current login (login2's retry arguments bound reconnection too: legacy-signaling.md §3.2). */
  private limits: ReconnectLimits = { count: LOGIN_RETRY_DEFAULTS.count, ms: LOGIN_RETRY_DEFAULTS.seconds * 1000 };
  private giveUpTimer: ReturnType<EngineContext['clock']['setTimeout']> | undefined;
  private attempt = 0;
  /**
   * The app's events (messages, invitations...) that arrived while a login was being reported;
   * undefined while none are being held. The legacy SDKs never delivered anything before
   * onLoginSuccess, but a push can come in the same read as the login reply: `ws` emits every frame
   * of a chunk at once, before `login()`'s continuation (and the attribute restore) has run. So they
   * wait here, in order, and follow onLoginSuccess; a login that fails or is cancelled drops them.
   */
  private held: (() => void)[] | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly hooks: SessionHooks,
  ) {}

  /** `reconnect` overrides the reconnection limits (web `reconnect_count` / `reconnect_time`); by default login2's own. */
  login2(appId: string, account: string, token: string, retrySeconds: number, retryCount: number, reconnect?: ReconnectLimits): void {
    const ctx = this.ctx;
    if (ctx.status === 1 || ctx.status === 2 || ctx.status === 3) {
      ctx.log(`login ignored: already ${ctx.status === 1 ? 'logging in' : 'logged in'}`);
      return;
    }
    const id = appId !== '' ? appId : (ctx.appId ?? '');
    // Any appId goes to the server, which decides (a `--dev` server takes any); only none at all fails here.
    if (id === '') {
      ctx.fire('onLoginFailed', AgoraECode.LOGIN_E_FAILED);
      return;
    }
    // Legacy accounts: ≤128 visible characters, any script, no spaces (the server takes them: legacy/1).
    if (!isLegacyName(account)) {
      ctx.fire('onLoginFailed', AgoraECode.LOGIN_E_INVALID_USER);
      return;
    }
    let client: RtmClient;
    try {
      client = this.hooks.clientFor(id);
    } catch (err) {
      // No client can be made (a browser build given no server address): no server can be reached,
      // which the web SDK reported as 201 (LOGIN_E_NET).
      ctx.log(`login failed: ${describe(err)}`);
      ctx.fire('onLoginFailed', AgoraECode.LOGIN_E_NET);
      return;
    }
    ctx.appId = id;
    ctx.account = account;
    ctx.status = 1;
    this.held = [];
    const effective = token === '' || token === '_no_need_token' ? undefined : token;
    const attempt = ++this.attempt;
    const deadline = ctx.clock.now() + Math.max(0, retrySeconds) * 1000;
    this.limits = reconnect ?? { count: Math.max(1, retryCount), ms: Math.max(0, retrySeconds) * 1000 };
    void this.run(client, account, effective, attempt, deadline, Math.max(1, retryCount), 1);
  }

  /** Takes an app event to deliver after onLoginSuccess, while a login is being reported (see `held`). */
  hold(deliver: () => void): boolean {
    if (!this.held) return false;
    this.held.push(deliver);
    return true;
  }

  private async run(client: RtmClient, account: string, token: string | undefined, attempt: number, deadline: number, count: number, tries: number): Promise<void> {
    const ctx = this.ctx;
    // RTM refuses a login within 500 ms of the previous one; legacy allowed logout-then-login at once.
    // The client's own record decides (a copy here drifted from it by a millisecond), and a timer may
    // fire a millisecond early, so the wait is checked again after each sleep.
    for (let wait = client.internals.loginAllowedAt() - ctx.clock.now(); wait > 0; wait = client.internals.loginAllowedAt() - ctx.clock.now()) {
      await this.sleep(wait);
      if (attempt !== this.attempt || ctx.status !== 1) return; // cancelled by logout
    }
    if (attempt !== this.attempt || ctx.status !== 1) return; // cancelled by logout
    try {
      await client.login(token === undefined ? { uid: account } : { uid: account, token });
    } catch (err) {
      if (attempt !== this.attempt || ctx.status !== 1) return;
      const code = rtmCode(err) ?? LoginError.UNKNOWN;
      ctx.log(`login attempt ${tries} failed: ${describe(err)}`);
      if (RETRYABLE.has(code) && tries < count && ctx.clock.now() < deadline) {
        await this.sleep(Math.min(1000, Math.max(0, deadline - ctx.clock.now())));
        return this.run(client, account, token, attempt, deadline, count, tries + 1);
      }
      ctx.status = 0;
      this.held = undefined;
      ctx.fire('onLoginFailed', legacyCode(loginFailure, code, AgoraECode.LOGIN_E_OTHER));
      return;
    }
    if (attempt !== this.attempt || ctx.status !== 1) return;
    ctx.status = 2;
    ctx.reconnects = 0;
    // Restore first: an app that reads its attributes in onLoginSuccess must find them.
    await this.hooks.loggedIn(client);
    if (attempt !== this.attempt) return;
    if (ctx.status !== 2) {
      this.held = undefined;
      return;
    }
    const held = this.held ?? [];
    this.held = undefined;
    ctx.fire('onLoginSuccess', ctx.uidOf(account), 0);
    // Each held event checks again that the session is still on (the app may log out in a callback).
    for (const deliver of held) {
      if (attempt !== this.attempt) return;
      deliver();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.ctx.clock.setTimeout(resolve, ms));
  }

  async logout(): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.client;
    if (ctx.status === 0 || !client) {
      ctx.fire('onLogout', AgoraECode.LOGOUT_E_ALREADY_LOGOUT);
      return;
    }
    const wasLoggingIn = ctx.status === 1;
    ctx.status = 0;
    this.held = undefined;
    this.attempt++;
    this.hooks.endSession();
    try {
      await client.logout();
    } catch {
      // already disconnected
    }
    // Cancelling a login in progress is silent (web SDK); a real logout reports 101.
    if (!wasLoggingIn) ctx.fire('onLogout', AgoraECode.LOGOUT_E_USER);
  }

  /** RTM connection state → legacy status and callbacks. */
  connectionChanged(state: string, reason: string): void {
    const ctx = this.ctx;
    if (ctx.status === 0 || ctx.status === 1) return; // logging in, or already out: login2/logout report
    switch (state) {
      case 'RECONNECTING':
        ctx.status = 3;
        if (this.giveUpTimer === undefined) {
          this.giveUpTimer = ctx.clock.setTimeout(() => {
            this.giveUpTimer = undefined;
            if (ctx.status === 3) this.lost(AgoraECode.LOGOUT_E_NET);
          }, this.limits.ms);
        }
        // sig2rtm's client reports each attempt (ReconnectAttempt); another RTM client only the outage.
        if (!ctx.client?.sig2rtm) ctx.fire('onReconnecting', ++ctx.reconnects);
        return;
      case 'CONNECTED':
        ctx.clock.clearTimeout(this.giveUpTimer);
        this.giveUpTimer = undefined;
        if (ctx.status === 3) {
          ctx.status = 2;
          ctx.reconnects = 0;
          ctx.fire('onReconnected', 0);
        }
        return;
      case 'ABORTED':
      case 'DISCONNECTED':
        this.lost(legacyCode(logoutReason, reason, AgoraECode.LOGOUT_E_NET));
        return;
    }
  }

  /**
   * The n-th reconnection attempt of this outage: `onReconnecting(n)`, or, past the attempt limit,
   * the end: onLogout(102) (LOGOUT_E_NET).
   */
  reconnectAttempt(n: number): void {
    const ctx = this.ctx;
    if (ctx.status !== 3) return;
    if (n > this.limits.count) {
      this.lost(AgoraECode.LOGOUT_E_NET);
      return;
    }
    ctx.reconnects = n;
    ctx.fire('onReconnecting', n);
  }

  /** The token expired while reconnecting: legacy cannot renew, so the session is over. */
  tokenExpired(): void {
    if (this.ctx.status === 3) this.lost(AgoraECode.LOGOUT_E_TOKENEXPIRED);
  }

  private lost(ecode: number): void {
    const ctx = this.ctx;
    ctx.status = 0;
    this.held = undefined;
    ctx.clock.clearTimeout(this.giveUpTimer);
    this.giveUpTimer = undefined;
    this.hooks.endSession();
    // Back to DISCONNECTED so that the app can log in again.
    ctx.client?.logout().catch(() => undefined);
    ctx.fire('onLogout', ecode);
  }
}
