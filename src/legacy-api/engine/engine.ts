/**
 * The legacy Signaling engine: every legacy operation, in the native argument order, over one
 * RtmClient. It reports through one `fire(callback, ...args)` sink with the native callback names
 * and arguments; the native flavour delivers those to an ICallBack, the web flavour to handler
 * properties. Nothing here throws into the app: a failure becomes a legacy callback or `onError`.
 */

import { CLIENT_BINDINGS, bindAll, type ClientBindingContext, type Fire } from '../../mapping/bindings';
import { DEFAULT_COMPAT, type CompatOptions } from '../../mapping/compat';
import { systemClock } from '../../rtm-core/clock';
import type { RtmClient } from '../../rtm-core/client/client';
import type { Sig2rtmClientConfig } from '../../rtm-core/client/config';
import { LegacyCalls } from './calls';
import { LegacyChannels } from './channels';
import { EngineContext } from './context';
import { invokeTable, runInvoke, type InvokeTable } from './invoke';
import { LegacyMessaging } from './messaging';
import { LegacySession } from './session';
import { LegacyUserState } from './user-state';

/** Makes the RtmClient an engine runs on (sig2rtm's by default; any RTM 1.x client will do). */
export type ClientFactory = (appId: string, config: Sig2rtmClientConfig) => RtmClient;

export interface LegacyOptions {
  /** ws:// address of a sig2rtm server; resolved like the RTM client's when absent. */
  serverUrl?: string;
  /** Behavioural differences to switch to RTM behaviour; legacy behaviour by default. */
  compat?: Partial<CompatOptions>;
  /** Further RtmClient configuration (clock, reconnect backoff, timeouts). */
  rtm?: Sig2rtmClientConfig;
}

/** Legacy: "fail after the peer has been offline for 20 s" (`_require_peer_online` = 0). */
const LEGACY_INVITE_DEADLINE_MS = 20_000;

export class LegacyEngine {
  readonly ctx: EngineContext;
  readonly session: LegacySession;
  readonly messaging: LegacyMessaging;
  readonly channels: LegacyChannels;
  readonly users: LegacyUserState;
  readonly calls: LegacyCalls;
  private unbindClient: (() => void) | undefined;
  private readonly rpcs: InvokeTable;

  constructor(
    fire: Fire,
    private readonly options: LegacyOptions,
    private readonly createClient: ClientFactory,
    appId?: string,
  ) {
    this.ctx = new EngineContext({ ...DEFAULT_COMPAT, ...options.compat }, options.rtm?.clock ?? systemClock, fire);
    this.ctx.appId = appId;
    this.messaging = new LegacyMessaging(this.ctx);
    this.channels = new LegacyChannels(this.ctx);
    this.users = new LegacyUserState(this.ctx);
    this.calls = new LegacyCalls(this.ctx);
    this.rpcs = invokeTable(this.ctx, this.channels);
    this.session = new LegacySession(this.ctx, {
      clientFor: (id) => this.clientFor(id),
      endSession: () => {
        this.channels.dropAll();
        this.calls.dropAll();
        this.users.loggedOut();
      },
      loggedIn: (client) => this.users.restore(client),
    });
  }

  /** The RtmClient under the legacy API (for gradual migration to the RTM API on the same login). */
  get client(): RtmClient | undefined {
    return this.ctx.client;
  }

  private clientFor(appId: string): RtmClient {
    const ctx = this.ctx;
    if (ctx.client && ctx.client.appId === appId) return ctx.client;
    this.unbindClient?.();
    const config: Sig2rtmClientConfig = {
      ...this.options.rtm,
      ...(this.options.serverUrl === undefined ? {} : { serverUrl: this.options.serverUrl }),
      invitation: { deliveryDeadlineMs: LEGACY_INVITE_DEADLINE_MS, ...this.options.rtm?.invitation },
      // Legacy and migrated RTM code on one login share channel memberships.
      sharedChannels: true,
      // Legacy names (≤128 visible characters, any script) and any appId, end to end (legacy/1).
      legacyNames: true,
    };
    const client = this.createClient(appId, config);
    const bctx: ClientBindingContext = {
      compat: ctx.compat,
      fire: ctx.fire,
      uidOf: ctx.uidOf,
      connectionChanged: (state, reason) => this.session.connectionChanged(state, reason),
      invitationReceived: (inv) => this.calls.received(inv),
      callEndedByPeer: (peer, channelId, extra) => this.calls.endedByPeer(peer, channelId, extra),
      tokenExpired: () => this.session.tokenExpired(),
      reconnectAttempt: (n) => this.session.reconnectAttempt(n),
    };
    // Events count only while logged in: a late event after logout reaches nobody. The app's events
    // wait for onLoginSuccess while a login is being reported (LegacySession.held says why); the
    // login flow's own (connection state, reconnect attempts, token expiry) drive that report.
    this.unbindClient = bindAll(
      client,
      CLIENT_BINDINGS,
      bctx,
      () => ctx.client === client && ctx.status !== 0,
      (binding, deliver) => binding.loginFlow !== true && this.session.hold(deliver),
    );
    ctx.client = client;
    return client;
  }

  async invoke(name: string, req: string, callID: string): Promise<void> {
    const client = this.ctx.loggedIn('invoke');
    if (!client) return;
    const [err, resp] = await runInvoke(this.rpcs, client, name, req);
    this.ctx.fire('onInvokeRet', callID, err, resp);
  }

  /** Logs out if needed and lets go of the client. */
  async destroy(): Promise<void> {
    if (this.ctx.status !== 0) await this.session.logout();
    this.unbindClient?.();
    this.unbindClient = undefined;
    this.ctx.client?.removeAllListeners();
    this.ctx.client = undefined;
  }
}
