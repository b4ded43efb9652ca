/**
 * RtmClient: the agora-rtm-sdk 1.5.1 client surface. A facade: the link (connection.ts) does the
 * networking, RtmChannel the channels, invitation.ts the calls; this file validates arguments the
 * way the Web SDK does and turns pushed events into the SDK's events.
 */

import { SdkEmitter } from './emitter';
import type { Clock } from '../clock';
import {
  GetChannelMemberCountError, LoginError, LogoutError, PeerMessageError, PeerSubscriptionStatusError,
  QueryPeersBySubscriptionOptionError, QueryPeersOnlineStatusError, RenewTokenError, CreateChannelError, InvitationApiCallError,
} from '../protocol/codes';
import type { PushEvent, RequestType } from '../protocol/frames';
import { DEFAULT_LIMITS, isValidId, type Limits } from '../protocol/limits';
import { isWireId } from '../protocol/legacy-limits';
import { SlidingWindow } from '../rate-limit';
import { AttributeApi } from './attributes';
import { RtmChannel } from './channel';
import { ChannelRegistry } from './channel-registry';
import { resolveClientConfig, type Sig2rtmClientConfig } from './config';
import { Link, outcomeOrThrow } from './connection';
import { errorFor, RtmInvalidArgumentError } from './errors';
import type { ClientInternals, RequestBodyOf } from './internals';
import type { LocalInvitation } from './invitation';
import { Invitations } from './invitations';
import { makeExtensions, type Sig2rtmExtensions } from './extensions';
import { fromWire, toWire } from './messages';
import { END_CALL_PREFIX } from './end-call';
import { ConnectionChangeReason, ConnectionState, PeerOnlineState, PeerSubscriptionOption } from './status-codes';
import { ConsoleLog } from './console-log';
import { defaultTransport } from './transports/default';
import type { TransportFactory } from './transports/transport';
import type {
  AttributesMap, ChannelAttributeOptions, ChannelAttributes,
  ChannelMemberCountResult, PeerMessageSendResult, PeersOnlineStatusResult, RtmClientEvents,
  RtmConfig, RtmMessage, SendMessageOptions,
} from './types';

/** Minimum interval between two `login` calls (Web SDK). */
const LOGIN_INTERVAL_MS = 500;

export class RtmClient extends SdkEmitter<RtmClientEvents> {
  /** @internal */
  readonly internals: ClientInternals;
  private readonly link: Link;
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number;
  private readonly channels: ChannelRegistry;
  private readonly sendWindow = new SlidingWindow({ limit: 180, windowMs: 3000 });
  private readonly subscriptions = new Map<string, PeerOnlineState>();
  private lastLoginAt = Number.NEGATIVE_INFINITY;
  /** sig2rtm's named extensions (absent on the official SDK): see extensions.ts. */
  readonly sig2rtm: Sig2rtmExtensions;
  private readonly attributes: AttributeApi;
  private readonly invitations: Invitations;
  private readonly log: ConsoleLog;

  /** @internal Use `AgoraRTM.createInstance`. */
  constructor(
    readonly appId: string,
    config: Sig2rtmClientConfig | undefined,
    embedded: () => TransportFactory,
  ) {
    super();
    const cfg = resolveClientConfig(config);
    this.log = new ConsoleLog(config?.logFilter);
    this.channels = new ChannelRegistry(cfg.sharedChannels);
    this.clock = cfg.clock;
    this.requestTimeoutMs = cfg.requestTimeoutMs;
    const transport = cfg.transport ?? (cfg.serverUrl === undefined ? embedded() : defaultTransport());
    this.link = new Link({
      appId,
      url: cfg.serverUrl ?? 'embedded:',
      transport,
      clock: cfg.clock,
      backoff: cfg.backoff,
      loginTimeoutMs: cfg.loginTimeoutMs,
      attemptTimeoutMs: cfg.attemptTimeoutMs,
      heartbeatMs: 2000,
    });
    const limits: Limits = DEFAULT_LIMITS;
    this.internals = {
      link: this.link,
      limits,
      channels: this.channels,
      call: <T extends RequestType>(_t: T, body: RequestBodyOf<T>, table: Readonly<Record<string, number>>, timeoutCode: number, timeoutMs?: number) =>
        outcomeOrThrow<T>(this.link.request<T>(body as never, timeoutMs ?? this.requestTimeoutMs), table, timeoutCode),
      requireLoggedIn: (table, code) => {
        const st = this.link.state;
        if (st !== ConnectionState.CONNECTED && st !== ConnectionState.RECONNECTING) throw errorFor(table, code, 'not logged in');
      },
      takeSend: () => this.sendWindow.tryTake(this.clock.now()),
      loginAllowedAt: () => this.lastLoginAt + LOGIN_INTERVAL_MS,
      validId: cfg.legacyNames ? isWireId : isValidId,
      legacyNames: cfg.legacyNames,
    };
    this.attributes = new AttributeApi(this.internals);
    this.invitations = new Invitations(this.internals, cfg.clock, cfg.invitation, {
      received: (inv) => this.emit('RemoteInvitationReceived', inv),
      legacyEnd: (peerId, channelId, extra) => this.emit('CallEndedByPeer', peerId, channelId, extra),
    });
    this.sig2rtm = makeExtensions(this.internals);
    this.link.on('state', (state, reason) => this.onState(state, reason));
    this.link.on('push', (ev) => this.onPush(ev));
    this.link.on('tokenExpired', () => this.emit('TokenExpired'));
    this.link.on('reconnectAttempt', (n) => this.emit('ReconnectAttempt', n));
    this.link.on('restored', (resumed) => void this.onRestored(resumed));
    this.log.info(`sig2rtm client (agora-rtm-sdk 1.5.1 API) created for appId ${appId.slice(0, 6)}…, server ${cfg.serverUrl ?? 'embedded'}`);
  }

  // ---- session ----------------------------------------------------------------------------------

  async login(options: { uid: string; token?: string }): Promise<void> {
    const uid = (options as { uid?: unknown } | undefined)?.uid;
    const token = (options as { token?: unknown } | undefined)?.token;
    if (!this.internals.validId(uid)) throw errorFor(LoginError, LoginError.INVALID_ARGUMENT, 'uid is invalid');
    if (token !== undefined && token !== null && typeof token !== 'string') {
      throw errorFor(LoginError, LoginError.INVALID_ARGUMENT, 'token must be a string');
    }
    const now = this.clock.now();
    if (now - this.lastLoginAt < LOGIN_INTERVAL_MS) throw errorFor(LoginError, LoginError.TOO_OFTEN, 'login too often');
    if (this.link.state !== ConnectionState.DISCONNECTED) throw errorFor(LoginError, LoginError.ALREADY_LOGIN, 'already logged in');
    this.lastLoginAt = now;
    this.log.info(`login as ${uid}`);
    // A token equal to the appId means "no token" (SDK behaviour).
    const effective = typeof token === 'string' && token !== this.appId && token !== '' ? token : undefined;
    await this.link.login(uid, effective);
  }

  async logout(): Promise<void> {
    if (this.link.state === ConnectionState.DISCONNECTED) {
      throw errorFor(LogoutError, LogoutError.USER_NOT_LOGGED_IN, 'not logged in');
    }
    this.log.info('logout');
    await this.link.logout();
  }

  async renewToken(token: string): Promise<void> {
    if (typeof token !== 'string' || token === '') throw errorFor(RenewTokenError, RenewTokenError.INVALID_ARGUMENT, 'token must be a non-empty string');
    const st = this.link.state;
    if (st === ConnectionState.RECONNECTING) {
      this.link.retryWithToken(token);
      return this.waitForConnected(20_000, RenewTokenError, RenewTokenError.FAILURE);
    }
    if (st !== ConnectionState.CONNECTED) throw errorFor(RenewTokenError, RenewTokenError.USER_NOT_LOGGED_IN, 'not logged in');
    await this.internals.call('renew', { t: 'renew', token }, RenewTokenError, RenewTokenError.FAILURE, 20_000);
    this.link.token = token;
  }

  private waitForConnected(ms: number, table: Readonly<Record<string, number>>, code: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.link.off('state', onState);
        reject(errorFor(table, code, 'not reconnected in time'));
      }, ms);
      const onState = (s: ConnectionState) => {
        if (s === ConnectionState.RECONNECTING) return;
        this.clock.clearTimeout(timer);
        this.link.off('state', onState);
        if (s === ConnectionState.CONNECTED) resolve();
        else reject(errorFor(table, code, `connection ${s}`));
      };
      this.link.on('state', onState);
    });
  }

  // ---- peer messages ----------------------------------------------------------------------------

  async sendMessageToPeer(message: RtmMessage, peerId: string, options?: SendMessageOptions): Promise<PeerMessageSendResult> {
    const wire = toWire(message, this.internals.limits.messageBytes);
    if (typeof wire === 'string') throw errorFor(PeerMessageError, PeerMessageError.INVALID_MESSAGE, wire);
    if (!this.internals.validId(peerId)) throw errorFor(PeerMessageError, PeerMessageError.INVALID_USERID, 'peerId is invalid');
    this.internals.requireLoggedIn(PeerMessageError, PeerMessageError.USER_NOT_LOGGED_IN);
    if (!this.internals.takeSend()) throw errorFor(PeerMessageError, PeerMessageError.TOO_OFTEN, 'at most 180 messages per 3 s');
    if (wire.type === 'TEXT' && wire.text.startsWith(END_CALL_PREFIX)) return this.sendEndCall(wire.text, peerId);
    const offline = options?.enableOfflineMessaging === true;
    const r = await this.internals.call('peer', { t: 'peer', to: peerId, msg: wire, ...(offline ? { offline } : {}) }, PeerMessageError, PeerMessageError.TIMEOUT);
    return { hasPeerReceived: r.received };
  }

  /**
   * `<END_CALL_PREFIX>_<channelId>_<extra>` is not a message but the legacy Signaling end-call: it
   * goes out as an invitation cancel with callId "0" (rtm-1x.md §8.7), as the official SDK does.
   */
  private async sendEndCall(text: string, peerId: string): Promise<PeerMessageSendResult> {
    const rest = text.slice(END_CALL_PREFIX.length);
    const last = rest.lastIndexOf('_');
    if (!rest.startsWith('_') || last < 1) throw errorFor(PeerMessageError, PeerMessageError.INVALID_MESSAGE, 'malformed end-call message');
    const channelId = rest.slice(1, last);
    const extra = rest.slice(last + 1);
    if (channelId !== '' && !this.internals.validId(channelId)) throw errorFor(PeerMessageError, PeerMessageError.INVALID_MESSAGE, 'malformed end-call message');
    const r = await this.invitations.signal(peerId, 'cancel', '0', channelId, extra);
    return { hasPeerReceived: r.received };
  }

  // ---- invitations ------------------------------------------------------------------------------

  createLocalInvitation(calleeId: string): LocalInvitation {
    if (!this.internals.validId(calleeId)) throw errorFor(InvitationApiCallError, InvitationApiCallError.INVALID_ARGUMENT, 'calleeId is invalid');
    return this.invitations.create(calleeId);
  }

  // ---- attributes -------------------------------------------------------------------------------

  setLocalUserAttributes(attributes: AttributesMap): Promise<void> {
    return this.attributes.setLocal(attributes);
  }

  addOrUpdateLocalUserAttributes(attributes: AttributesMap): Promise<void> {
    return this.attributes.addOrUpdateLocal(attributes);
  }

  deleteLocalUserAttributesByKeys(attributeKeys: string[]): Promise<void> {
    return this.attributes.deleteLocalByKeys(attributeKeys);
  }

  clearLocalUserAttributes(): Promise<void> {
    return this.attributes.clearLocal();
  }

  getUserAttributes(userId: string): Promise<AttributesMap> {
    return this.attributes.getUser(userId);
  }

  getUserAttributesByKeys(userId: string, attributeKeys: string[]): Promise<AttributesMap> {
    return this.attributes.getUser(userId, attributeKeys);
  }

  setChannelAttributes(channelId: string, attributes: AttributesMap, options?: ChannelAttributeOptions): Promise<void> {
    return this.attributes.changeChannel(channelId, AttributeApi.attrsChange('set', attributes), options);
  }

  addOrUpdateChannelAttributes(channelId: string, attributes: AttributesMap, options?: ChannelAttributeOptions): Promise<void> {
    return this.attributes.changeChannel(channelId, AttributeApi.attrsChange('add', attributes), options);
  }

  deleteChannelAttributesByKeys(channelId: string, attributeKeys: string[], options?: ChannelAttributeOptions): Promise<void> {
    return this.attributes.changeChannel(channelId, { op: 'del', keys: attributeKeys }, options);
  }

  clearChannelAttributes(channelId: string, options?: ChannelAttributeOptions): Promise<void> {
    return this.attributes.changeChannel(channelId, { op: 'clear' }, options);
  }

  getChannelAttributes(channelId: string): Promise<ChannelAttributes> {
    return this.attributes.getChannel(channelId);
  }

  getChannelAttributesByKeys(channelId: string, keys: string[]): Promise<ChannelAttributes> {
    return this.attributes.getChannel(channelId, keys);
  }

  // ---- channels ---------------------------------------------------------------------------------

  createChannel(channelId: string): RtmChannel {
    if (!this.internals.validId(channelId)) throw errorFor(CreateChannelError, CreateChannelError.INVALID_ARGUMENT, 'channelId is invalid');
    return new RtmChannel(this.internals, channelId);
  }

  async getChannelMemberCount(channelIds: string[]): Promise<ChannelMemberCountResult> {
    const max = this.internals.limits.countChannelsPerCall;
    if (!Array.isArray(channelIds) || channelIds.length === 0 || !channelIds.every(this.internals.validId)) {
      throw errorFor(GetChannelMemberCountError, GetChannelMemberCountError.INVALID_ARGUMENT, 'channelIds must be valid ids');
    }
    if (channelIds.length > max) throw errorFor(GetChannelMemberCountError, GetChannelMemberCountError.EXCEED_LIMIT, `at most ${max} channels`);
    this.requireConnected(GetChannelMemberCountError, GetChannelMemberCountError.USER_NOT_LOGGED_IN);
    const { counts } = await this.internals.call('counts', { t: 'counts', chs: channelIds }, GetChannelMemberCountError, GetChannelMemberCountError.TIMEOUT);
    for (const [id, n] of Object.entries(counts)) for (const ch of this.channels.instances(id)) ch.handle({ e: 'count', ch: id, n });
    return counts;
  }

  // ---- presence ---------------------------------------------------------------------------------

  async queryPeersOnlineStatus(peerIds: string[]): Promise<PeersOnlineStatusResult> {
    this.requireConnected(QueryPeersOnlineStatusError, QueryPeersOnlineStatusError.USER_NOT_LOGGED_IN);
    const max = this.internals.limits.queryPeersPerCall;
    if (!Array.isArray(peerIds) || peerIds.length === 0 || peerIds.length > max || !peerIds.every(this.internals.validId)) {
      throw errorFor(QueryPeersOnlineStatusError, QueryPeersOnlineStatusError.INVALID_ARGUMENT, `peerIds must be 1–${max} valid ids`);
    }
    const { online } = await this.internals.call('query', { t: 'query', uids: peerIds }, QueryPeersOnlineStatusError, QueryPeersOnlineStatusError.TIMEOUT);
    // SDK side effect: subscribed peers whose state changed are announced.
    // Maps built from entries throughout: '__proto__' and 'constructor' are peer ids like any other.
    const changed: [string, PeerOnlineState][] = [];
    for (const [id, on] of Object.entries(online)) {
      const prev = this.subscriptions.get(id);
      const next = on ? PeerOnlineState.ONLINE : PeerOnlineState.OFFLINE;
      if (prev !== undefined && prev !== next && prev !== PeerOnlineState.UNREACHABLE) {
        this.subscriptions.set(id, next);
        changed.push([id, next]);
      }
    }
    if (changed.length > 0) this.emit('PeersOnlineStatusChanged', Object.fromEntries(changed));
    return online;
  }

  async subscribePeersOnlineStatus(peerIds: string[]): Promise<void> {
    this.requireConnected(PeerSubscriptionStatusError, PeerSubscriptionStatusError.USER_NOT_LOGGED_IN);
    if (!Array.isArray(peerIds) || peerIds.length === 0 || !peerIds.every(this.internals.validId)) {
      throw errorFor(PeerSubscriptionStatusError, PeerSubscriptionStatusError.INVALID_ARGUMENT, 'peerIds must be valid ids');
    }
    const max = this.internals.limits.subscriptionsPerClient;
    const all = new Set([...this.subscriptions.keys(), ...peerIds]);
    if (all.size > max) throw errorFor(PeerSubscriptionStatusError, PeerSubscriptionStatusError.OVERFLOW, `at most ${max} subscriptions`);
    const { states } = await this.internals.call('sub', { t: 'sub', uids: peerIds }, PeerSubscriptionStatusError, PeerSubscriptionStatusError.TIMEOUT);
    const announced: [string, PeerOnlineState][] = [];
    for (const id of peerIds) {
      const s = (Object.hasOwn(states, id) ? states[id] : 'OFFLINE') as PeerOnlineState;
      this.subscriptions.set(id, s);
      announced.push([id, s]);
    }
    this.emit('PeersOnlineStatusChanged', Object.fromEntries(announced));
  }

  async unsubscribePeersOnlineStatus(peerIds: string[]): Promise<void> {
    this.requireConnected(PeerSubscriptionStatusError, PeerSubscriptionStatusError.USER_NOT_LOGGED_IN);
    if (!Array.isArray(peerIds) || peerIds.length === 0 || !peerIds.every(this.internals.validId)) {
      throw errorFor(PeerSubscriptionStatusError, PeerSubscriptionStatusError.INVALID_ARGUMENT, 'peerIds must be valid ids');
    }
    await this.internals.call('unsub', { t: 'unsub', uids: peerIds }, PeerSubscriptionStatusError, PeerSubscriptionStatusError.TIMEOUT);
    for (const id of peerIds) this.subscriptions.delete(id);
  }

  queryPeersBySubscriptionOption(option: PeerSubscriptionOption): Promise<string[]> {
    if (option !== PeerSubscriptionOption.ONLINE_STATUS) {
      return Promise.reject(new RtmInvalidArgumentError(1, 'option must be ONLINE_STATUS'));
    }
    const st = this.link.state;
    if (st !== ConnectionState.CONNECTED && st !== ConnectionState.RECONNECTING) {
      return Promise.reject(errorFor(QueryPeersBySubscriptionOptionError, QueryPeersBySubscriptionOptionError.USER_NOT_LOGGED_IN, 'not logged in'));
    }
    return Promise.resolve([...this.subscriptions.keys()]);
  }

  // ---- misc -------------------------------------------------------------------------------------

  createMessage<T extends RtmMessage>(message: Partial<T>): T {
    return message as T;
  }

  /** Log settings only: `logFilter` takes effect at once; sig2rtm's client does not upload logs. */
  updateConfig(config: RtmConfig): void {
    this.log.setFilter(config?.logFilter);
  }

  /** @deprecated Use updateConfig. */
  setParameters(config: RtmConfig): void {
    this.updateConfig(config);
  }

  private requireConnected(table: Readonly<Record<string, number>>, code: number): void {
    if (this.link.state !== ConnectionState.CONNECTED) throw errorFor(table, code, 'not logged in');
  }

  // ---- events from the link ---------------------------------------------------------------------

  private onState(state: ConnectionState, reason: ConnectionChangeReason): void {
    this.log.state(state, reason);
    if (state === ConnectionState.DISCONNECTED || state === ConnectionState.ABORTED) {
      for (const ch of this.channels.all()) ch.markLeft();
      this.subscriptions.clear();
      this.attributes.reset();
    }
    this.emit('ConnectionStateChanged', state, reason);
    if (state === ConnectionState.ABORTED && reason === ConnectionChangeReason.TOKEN_EXPIRED) this.emit('TokenExpired');
  }

  private onPush(ev: PushEvent): void {
    switch (ev.e) {
      case 'peer':
        if (ev.msg.type === 'CALL') {
          this.invitations.receive(ev.from, ev.msg.call);
          return;
        }
        this.emit('MessageFromPeer', fromWire(ev.msg), ev.from, {
          serverReceivedTs: ev.ts,
          ...(ev.offline === true ? { isOfflineMessage: true } : {}),
        });
        return;
      case 'chmsg':
      case 'joined':
      case 'left':
      case 'count':
        for (const ch of this.channels.instances(ev.ch)) ch.handle(ev);
        return;
      case 'presence': {
        const changed: [string, PeerOnlineState][] = [];
        for (const [id, s] of Object.entries(ev.states)) {
          const state = PeerOnlineState[s];
          if (!this.subscriptions.has(id) || this.subscriptions.get(id) === state) continue;
          this.subscriptions.set(id, state);
          changed.push([id, state]);
        }
        if (changed.length > 0) this.emit('PeersOnlineStatusChanged', Object.fromEntries(changed));
        return;
      }
      case 'tokenWillExpire':
        this.emit('TokenPrivilegeWillExpire');
        return;
      case 'attrs':
        for (const ch of this.channels.instances(ev.ch)) ch.emitAttributes(ev.attrs, ev.change);
        return;
    }
  }

  /** Back after a reconnect. If the server had dropped the session, restore what the app had. */
  private async onRestored(resumed: boolean): Promise<void> {
    if (!resumed) {
      this.attributes.reapply().catch(() => undefined);
      const joined = new Set(this.channels.all().filter((ch) => ch.state === 'JOINED').map((ch) => ch.channelId));
      for (const id of joined) this.link.request({ t: 'join', ch: id }, this.requestTimeoutMs).catch(() => undefined);
    }
    const peers = [...this.subscriptions.keys()];
    if (peers.length === 0) return;
    try {
      const outcome = await this.link.request(resumed ? { t: 'query', uids: peers } : { t: 'sub', uids: peers }, this.requestTimeoutMs);
      if (!outcome.ok) return;
      const data = outcome.data;
      const full: [string, PeerOnlineState][] = [];
      for (const id of peers) {
        const on = 'online' in data ? Object.hasOwn(data.online, id) && data.online[id] === true : Object.hasOwn(data.states, id) && data.states[id] === 'ONLINE';
        const state = on ? PeerOnlineState.ONLINE : PeerOnlineState.OFFLINE;
        full.push([id, state]);
        this.subscriptions.set(id, state);
      }
      this.emit('PeersOnlineStatusChanged', Object.fromEntries(full));
    } catch {
      // the next reconnect tries again
    }
  }
}
