/**
 * The RTM core: sessions, presence, token lifetime and request dispatch, independent of any
 * transport. `createServer` puts it behind `ws`; the embedded mode talks to it in-process.
 */

import { verifyToken, loginCodeForTokenFailure, type TokenFailure } from '../auth/verify';
import type { Clock, TimerHandle } from '../clock';
import { encodeEvent, encodeFrame } from '../protocol/codec';
import { LoginError, LogoutError, ProtocolError, RenewTokenError } from '../protocol/codes';
import type { AttributeChange, ChannelAttributeValue, ClientRequest, KickReason, RequestOf, ResultMap } from '../protocol/frames';
import { PROTOCOL_VERSION } from '../protocol/frames';
import { LocalBus, type Bus, type BusHost } from './bus';
import { CloseCode, type Connection } from './connection';
import { ChannelBuiltins, SPECIAL_CHANNEL_PREFIX, keyOf } from './channel-builtins';
import { leaveChannel } from './handlers/channel';
import { RequestFailure, type CoreServices, type HandlerContext } from './handlers/context';
import { handlers } from './handlers/index';
import { MemberCounts } from './member-counts';
import { PingWheel } from './ping-wheel';
import { Deadlines } from './deadlines';
import { resolveCoreOptions, type CoreOptions, type ResolvedCoreOptions } from './options';
import { Session, type OfflineKeeper, type RequestStart } from './session';
import { MemoryStore } from './state/memory';
import { StoreError, type OfflineMessage, type OfflinePeek, type StateStore } from './state/store';

/** Background store work (removing acknowledged offline messages) is retried this often, backing off. */
const STORE_RETRIES = 8;
const STORE_RETRY_FIRST_MS = 100;

/**
 * What a client hears when its token is refused: the official code and a message that says no more
 * (which user a token was for, when it expired, whether its signature failed stays in the log).
 */
const TOKEN_MESSAGES: Record<TokenFailure, string> = {
  INVALID_TOKEN: 'invalid token',
  TOKEN_EXPIRED: 'token expired',
  INVALID_APP_ID: 'invalid appId',
  UID_MISMATCH: 'invalid argument',
};

/** The legacy user attribute that sets how long a silent user stays online (legacy-signaling.md §12). */
const CONN_TIMEOUT = '_conn_timeout';
const CONN_TIMEOUT_RANGE_S = [20, 120] as const;

/** Cached messages delivered at login go out in batches of at most this many (and a quarter of the session's byte bounds). */
const OFFLINE_BATCH_MESSAGES = 50;

/**
 * The cached messages minus the copies of those already queued for the session (a message sent to
 * it between its login and this read): each is delivered from one place only, the session's queue.
 * (Removing up to a later row's cursor is safe for them: they were queued before the backlog, so
 * acknowledging the backlog acknowledges them.)
 */
function withoutHeld(peek: OfflinePeek, session: Session): { messages: OfflineMessage[]; rows: number[] | undefined; skipped: boolean } {
  const held = session.heldRows();
  if (!peek.rows || held.size === 0) return { messages: peek.messages, rows: peek.rows, skipped: false };
  const messages: OfflineMessage[] = [];
  const rows: number[] = [];
  peek.rows.forEach((row, i) => {
    if (held.has(row)) return;
    rows.push(row);
    messages.push(peek.messages[i] as OfflineMessage);
  });
  return { messages, rows, skipped: rows.length < peek.rows.length };
}

/** Why a session ended. */
type EndReason = 'logout' | 'offline' | 'replaced' | 'token-expired' | 'kicked' | 'shutdown' | 'overflow';

export class RtmCore implements CoreServices, BusHost {
  readonly options: ResolvedCoreOptions;
  readonly store: StateStore;
  readonly bus: Bus;
  readonly clock: Clock;
  private readonly counts: MemberCounts;
  /** Legacy built-in channel attributes (extension legacy/1). */
  readonly builtins: ChannelBuiltins;
  private readonly connections = new Set<Connection>();
  /** Server pings for every connection that can take them; see ping-wheel.ts. */
  private readonly pings: PingWheel;
  /** Every session's silence deadline, under one timer. */
  private readonly silences: Deadlines<Session>;
  /** How long a client nobody watches may stay unheard before the server pings it (timings.idlePingMs, at most a third of offlineAfterMs). */
  readonly idlePingMs: number;
  /**
   * Whether a session's presence needs the 6 s UNREACHABLE precision only when someone watches it.
   * A bus spanning nodes cannot tell (the watcher may sit on another node): every session counts as watched.
   */
  private readonly watchAll: boolean;
  /** How long a watched client may stay unheard before it is pinged: heartbeatMs, at most a third of unreachableAfterMs. */
  private readonly watchedPingMs: number;
  private readonly attributeExpiry = new Map<string, TimerHandle>();
  private closed = false;
  /** False once draining or closed: new connections are turned away. */
  private accepting = true;

  constructor(options: CoreOptions = {}) {
    this.options = resolveCoreOptions(options);
    this.clock = this.options.clock;
    this.store = options.store ?? new MemoryStore();
    this.bus = options.bus ?? new LocalBus();
    const t = this.options.timings;
    this.idlePingMs = Math.max(1, Math.min(t.idlePingMs, Math.floor(t.offlineAfterMs / 3)));
    this.watchedPingMs = Math.max(1, Math.min(t.heartbeatMs, Math.floor(t.unreachableAfterMs / 3)));
    // Pings go out at most a tick late: a quarter of the watched interval, 250 ms at most.
    this.pings = new PingWheel(this.clock, Math.max(5, Math.min(250, Math.floor(this.watchedPingMs / 4))), Math.max(this.watchedPingMs, this.idlePingMs));
    this.watchAll = !(this.bus instanceof LocalBus);
    this.silences = new Deadlines<Session>(this.clock, (session) => this.silent(session));
    this.counts = new MemberCounts(this.clock, this.store, this.bus, {
      small: t.memberCountIntervalMs,
      large: t.memberCountIntervalLargeMs,
      threshold: this.options.limits.memberEventsUpTo,
    }, (err) => this.options.observer.fault?.('memberCount', err));
    this.builtins = new ChannelBuiltins({
      options: this.options,
      store: this.store,
      bus: this.bus,
      clock: this.clock,
      channelAttributesWritten: (appId, channel, attrs, change) => this.channelAttributesWritten(appId, channel, attrs, change),
      background: (where, work, context) => this.background(where, work, context),
    });
  }

  // ---- connections ------------------------------------------------------------------------------

  addConnection(conn: Connection): void {
    if (!this.accepting) {
      conn.close(1001, 'server closing');
      return;
    }
    this.connections.add(conn);
    if (conn.pingable) this.pings.add(conn);
  }

  removeConnection(conn: Connection): void {
    this.connections.delete(conn);
    this.pings.remove(conn);
    if (conn.session) conn.session.detach(conn);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Something arrived from the session's client: it is alive. */
  touch(session: Session): void {
    if (session.ended) return; // a late frame on the socket of a session that timed out revives nothing
    session.lastSeen = this.clock.now();
    if (session.presence === 'UNREACHABLE') {
      session.presence = 'ONLINE';
      this.armSilence(session);
      this.background('presence', this.announcePresence(session, 'ONLINE'));
    }
  }

  /**
   * Someone watches this user's presence (subscribed to it): from now on it is pinged every
   * heartbeatMs and goes UNREACHABLE after unreachableAfterMs of silence. Sticky for the session's life.
   */
  watch(appId: string, uid: string): void {
    const session = this.bus.localSession(appId, uid);
    if (!session || session.watched || session.ended) return;
    session.watched = true;
    const outlet = session.outlet;
    // A ping now, so that a live client is heard well before its silence counts from this moment.
    if (outlet && this.connections.has(outlet as Connection)) this.pings.pingNow(outlet as Connection);
    session.watchedAt = this.clock.now();
    this.armSilence(session);
  }

  /** Whether the session's presence must be exact to the UNREACHABLE deadline. */
  private watched(session: Session): boolean {
    return this.watchAll || session.watched;
  }

  /** Work nobody waits for: a failure is contained (logged, counted), never an unhandled rejection. */
  private background(where: string, work: Promise<unknown>, context?: Record<string, unknown>): void {
    work.catch((err: unknown) => this.options.observer.fault?.(where, err, context));
  }

  /** Idempotent store work retried with exponential backoff while the store is unavailable. */
  private retried(where: string, op: () => Promise<unknown>, context: Record<string, unknown>, attempt = 0): void {
    op().catch((err: unknown) => {
      this.options.observer.fault?.(where, err, { ...context, attempt });
      if (this.closed || attempt + 1 >= STORE_RETRIES || !(err instanceof StoreError)) return;
      this.clock.setTimeout(() => this.retried(where, op, context, attempt + 1), STORE_RETRY_FIRST_MS * 2 ** attempt);
    });
  }

  // ---- login / logout ---------------------------------------------------------------------------

  async login(conn: Connection, req: RequestOf<'login'>): Promise<void> {
    const observer = this.options.observer;
    const fail = (code: number, msg: string) => {
      observer.login?.(code, req.appId, req.uid, conn.id);
      conn.reply(req.rid, { ok: false, code, msg });
    };
    const now = this.clock.now();
    if (!conn.takeLogin(now)) return fail(LoginError.TOO_OFTEN, 'login: too often');
    if (req.v !== PROTOCOL_VERSION) return fail(LoginError.REJECTED, `unsupported protocol version ${req.v}`);
    if (conn.session || conn.loggingIn) return fail(LoginError.ALREADY_LOGIN, 'already logged in on this connection');
    const apps = this.options.apps;
    // Own keys only: an appId such as "constructor" must not find Object.prototype's.
    const app = apps ? (Object.hasOwn(apps, req.appId) ? apps[req.appId] : undefined) : {};
    if (!app) return fail(LoginError.INVALID_APP_ID, 'unknown appId');
    const verdict = verifyToken({
      appId: req.appId,
      certificate: app.certificate,
      uid: req.uid,
      token: req.token,
      nowSec: Math.floor(now / 1000),
    });
    if (!verdict.ok) {
      observer.tokenRejected?.(req.appId, req.uid, verdict.reason, verdict.detail, conn.id);
      return fail(loginCodeForTokenFailure[verdict.reason], TOKEN_MESSAGES[verdict.reason]);
    }
    const expiresAt = verdict.expiresAt === undefined ? undefined : verdict.expiresAt * 1000;

    const resume = req.resume;
    const resumable = resume ? this.bus.sessionById(resume.sid) : undefined;
    if (resumable && resume && !resumable.ended && resumable.appId === req.appId && resumable.uid === req.uid) {
      this.resumeOn(conn, resumable, req.rid, resume.ack, expiresAt, this.beatFor(conn, req));
      return;
    }
    if (resume && !resumable && this.bus.takeOver) {
      // The session lives on another node (the client moved there after a drop): hand-over, else a fresh login below.
      conn.loggingIn = true;
      let moved: Session | undefined;
      try {
        moved = await this.bus.takeOver(req.appId, req.uid, resume.sid, (sid) => this.newSession(sid, req.appId, req.uid), (session) => {
          // Called once the session is registered here, before what was held for it meanwhile is delivered.
          this.armSilence(session);
          if (!conn.closedByPeer) this.resumeOn(conn, session, req.rid, resume.ack, expiresAt, this.beatFor(conn, req));
          // Closed meanwhile: the session stays here detached, for the client's next resume (or its timeout).
          else this.armTokenTimers(session, expiresAt);
        });
      } finally {
        conn.loggingIn = false;
      }
      if (moved) return;
    }

    conn.loggingIn = true;
    try {
      const sid = this.bus.newSessionId?.() ?? globalThis.crypto.randomUUID();
      const previous = await this.store.claimSession(req.appId, req.uid, sid);
      const old = this.bus.localSession(req.appId, req.uid);
      let replaced = old !== undefined;
      if (old) {
        this.bus.kick(old, 'REMOTE_LOGIN');
        await this.endSession(old, 'replaced');
      } else if (previous !== undefined && this.bus.endRemoteSession) {
        // Newest login wins across nodes too: the older session ends where it is hosted first.
        await this.bus.endRemoteSession(req.appId, req.uid, previous, 'REMOTE_LOGIN', sid);
        replaced = true;
      }
      if (conn.closedByPeer) {
        await this.store.releaseSession(req.appId, req.uid, sid);
        return;
      }
      const session = this.newSession(sid, req.appId, req.uid);
      this.bus.register(session);
      conn.session = session;
      conn.loggedIn();
      this.reply(conn, req.rid, { sid, resumed: false, ...this.beatFor(conn, req), now: this.clock.now() });
      observer.login?.('ok', req.appId, req.uid, conn.id);
      session.attach(conn, undefined, this.clock.now());
      this.armSilence(session);
      this.armTokenTimers(session, expiresAt);
      if (!replaced) {
        this.background('presence', this.announcePresence(session, 'ONLINE'));
        this.builtins.userOnline(req.appId, req.uid, true);
      } else if (!this.watchAll) this.background('presence', this.watchIfSubscribed(session));
      // The login is answered already: a store failure here leaves the messages cached for the next login.
      this.background('offline.deliver', this.deliverOffline(session), { appId: req.appId, uid: req.uid });
      this.background('connTimeout', this.store.getAccountAttributes(req.appId, req.uid).then((attrs) => {
        if (Object.hasOwn(attrs, CONN_TIMEOUT)) this.connTimeoutSet(session, attrs[CONN_TIMEOUT] ?? '');
      }));
    } finally {
      conn.loggingIn = false;
    }
  }

  /** Attaches a resuming client's connection to its session and replays what it has not acknowledged. */
  private resumeOn(conn: Connection, session: Session, rid: number, ack: number, expiresAt: number | undefined, beat: { hb: number; ping?: number }): void {
    const previous = session.outlet;
    if (previous && previous !== conn) previous.close(4001, 'session resumed on another connection');
    const now = this.clock.now();
    conn.session = session;
    conn.loggedIn();
    this.reply(conn, rid, { sid: session.sid, resumed: true, ...beat, now });
    this.options.observer.login?.('resumed', session.appId, session.uid, conn.id);
    session.attach(conn, ack, now);
    this.touch(session);
    this.armTokenTimers(session, expiresAt);
  }

  private newSession(sid: string, appId: string, uid: string): Session {
    const b = this.options.bounds;
    const session = new Session(sid, appId, uid, this.clock.now(), this.options.rates, this.clock, {
      pendingMessages: b.sessionPendingMessages,
      pendingBytes: b.sessionPendingBytes,
      socketBufferedBytes: b.socketBufferedBytes,
      rememberedAnswers: b.rememberedAnswers,
    });
    // One function for every session: a closure made here would keep this login's whole scope (the request, its token) alive with the session.
    session.onOverflow = this.onSessionOverflow;
    session.keeper = this.offlineKeeper(appId, uid);
    return session;
  }

  /**
   * Cached messages go out in order, in batches kept well within the session's bounds (a backlog
   * sent at once could pass them and end the session): the next batch goes once the client
   * acknowledged the last one. Acknowledged batches leave the store at once (with per-message
   * rows) or after the last batch; a crash or a drop before that delivers them again at the next login.
   */
  private async deliverOffline(session: Session): Promise<void> {
    const { appId, uid } = session;
    const peek = await this.store.peekOffline(appId, uid, this.clock.now(), this.options.limits.offlineMessageTtlMs);
    const { messages, rows, skipped } = withoutHeld(peek, session);
    const upTo = peek.upTo;
    const remove = (cursor: number) => this.retried('offline.remove', () => this.store.removeOffline(appId, uid, cursor), { appId, uid });
    // Nothing to send but copies held by the queue: they go when acknowledged (expired rows, with the sweep).
    if (upTo === 0 || (messages.length === 0 && skipped)) return;
    const b = this.options.bounds;
    const batchMessages = Math.max(1, Math.min(OFFLINE_BATCH_MESSAGES, Math.floor(b.sessionPendingMessages / 4)));
    const batchBytes = Math.min(b.sessionPendingBytes, b.socketBufferedBytes) / 4;
    let i = 0;
    while (i < messages.length) {
      let last = 0;
      let bytes = 0;
      for (let n = 0; i < messages.length && n < batchMessages; n++, i++) {
        const m = messages[i] as OfflineMessage;
        const ev = encodeEvent({ e: 'peer', from: m.from, msg: m.msg, ts: m.ts, offline: true });
        const size = ev.json.length + ev.bins.reduce((sum, bin) => sum + bin.length, 0);
        if (n > 0 && bytes + size > batchBytes) break;
        bytes += size;
        last = session.push(ev);
      }
      if ((await session.waitForAck(last)) !== 'acked') return; // the session ended: the rest stays cached
      if (i < messages.length && rows) remove(rows[i - 1] as number);
    }
    remove(upTo); // also the expired ones
  }

  /** Durable copies of offline-flagged messages queued for the user's session, where the store can hold them. */
  private offlineKeeper(appId: string, uid: string): OfflineKeeper | undefined {
    const store = this.store;
    if (!this.options.offlineMessaging || !store.keepOffline || !store.removeOfflineRows) return undefined;
    const b = this.options.bounds;
    const caps = { perSender: b.offlineMessagesPerSender, totalBytes: b.offlineCacheBytes };
    return {
      keep: async (message) => {
        try {
          const kept = await store.keepOffline?.(appId, uid, message, this.options.limits.offlineMessagesPerUser, caps);
          if (typeof kept === 'string') this.options.observer.offlineRefused?.(kept);
          return typeof kept === 'number' ? kept : undefined;
        } catch (err) {
          this.options.observer.fault?.('offline.keep', err, { appId, uid });
          return undefined;
        }
      },
      drop: (rows) => this.retried('offline.drop', () => store.removeOfflineRows?.(appId, uid, rows) ?? Promise.resolve(), { appId, uid }),
    };
  }

  /**
   * Caches a message for an absent receiver within the cache's bounds (per receiver, per sender,
   * total bytes). False when a bound refused it (counted; the sender hears it was not cached).
   */
  async cacheOffline(appId: string, uid: string, message: OfflineMessage): Promise<boolean> {
    const b = this.options.bounds;
    const refused = await this.store.enqueueOffline(appId, uid, message, this.options.limits.offlineMessagesPerUser, {
      perSender: b.offlineMessagesPerSender,
      totalBytes: b.offlineCacheBytes,
    });
    if (refused) this.options.observer.offlineRefused?.(refused);
    return !refused;
  }

  /** Expired offline messages leave on a timer, not only when their receiver logs in. */
  private armOfflineSweep(): void {
    const sweep = this.store.sweepOffline?.bind(this.store);
    if (!sweep || this.closed) return;
    this.offlineSweep = this.clock.setTimeout(() => {
      this.offlineSweep = undefined;
      sweep(this.clock.now(), this.options.limits.offlineMessageTtlMs).then(
        (n) => {
          if (n > 0) this.options.observer.offlineSwept?.(n);
        },
        (err: unknown) => this.options.observer.fault?.('offline.sweep', err),
      ).finally(() => this.armOfflineSweep());
    }, this.options.bounds.offlineSweepIntervalMs);
  }

  private offlineSweep: TimerHandle | undefined;

  /** After a restart: empty channels that still have attributes start their grace period again. */
  async start(): Promise<void> {
    await this.bus.start?.(this);
    this.armOfflineSweep();
    for (const { appId, channel } of await this.store.channelsWithAttributes()) {
      await this.channelAttributesWritten(appId, channel);
    }
  }

  async logout(conn: Connection, req: RequestOf<'logout'>): Promise<void> {
    const session = conn.session;
    if (!session) return conn.reply(req.rid, { ok: false, code: LogoutError.USER_NOT_LOGGED_IN, msg: 'not logged in' });
    conn.session = undefined;
    conn.reply(req.rid, { ok: true, data: null });
    // Logged out, still connected: log in again within the deadline or be closed.
    conn.armLoginDeadline();
    await this.endSession(session, 'logout');
  }

  // ---- requests ---------------------------------------------------------------------------------

  /** Runs a request of a logged-in session; the answer goes to whichever socket the session has then. */
  handle(session: Session, req: Exclude<ClientRequest, { t: 'login' | 'logout' }>, fp: string): RequestStart {
    if (session.ended) return 'running'; // nothing an ended session sends is handled (Connection answers 102)
    const start = session.begin(req.rid, fp);
    if (start !== 'new') return start;
    const ctx: HandlerContext = { core: this, session };
    const handler = handlers[req.t] as (c: HandlerContext, r: typeof req) => Promise<unknown>;
    let running: Promise<unknown>;
    try {
      running = handler(ctx, req);
    } catch (err) {
      running = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const observer = this.options.observer;
    running.then(
      (data) => {
        observer.request?.(req.t, 'ok');
        session.finish(req.rid, encodeFrame({ t: 'res', rid: req.rid, ok: true, data: data ?? null }) as string);
      },
      (err: unknown) => {
        const failure = err instanceof RequestFailure ? err : new RequestFailure(1, err instanceof StoreError ? 'temporarily unavailable, try again' : 'internal error');
        if (!(err instanceof RequestFailure)) observer.fault?.(`request.${req.t}`, err, { appId: session.appId, uid: session.uid, rid: req.rid });
        if (failure.rateLimited) observer.rateLimited?.(req.t);
        observer.request?.(req.t, failure.code);
        session.finish(req.rid, encodeFrame({ t: 'res', rid: req.rid, ok: false, code: failure.code, msg: failure.message }) as string);
      },
    );
    return 'new';
  }

  private reply<T extends keyof ResultMap>(conn: Connection, rid: number, data: ResultMap[T]): void {
    conn.reply(rid, { ok: true, data });
  }

  // ---- services for handlers --------------------------------------------------------------------

  memberCountChanged(appId: string, channel: string, count: number): void {
    this.counts.changed(appId, channel);
    this.bus.memberCountChanged?.(appId, channel);
    if (count === 0) this.scheduleAttributeExpiry(appId, channel);
    else this.cancelAttributeExpiry(appId, channel);
  }

  async channelAttributesWritten(appId: string, channel: string, attrs?: Record<string, ChannelAttributeValue>, change?: AttributeChange): Promise<void> {
    // The built-ins (`_channel_ttl` among them) follow the set just written: no read of it again
    // when the writer passes it.
    this.builtins.written(appId, channel, attrs ?? (await this.store.getChannelAttributes(appId, channel)), attrs ? change : undefined);
    const count = (await this.store.channelCounts(appId, [channel]))[channel] ?? 0;
    if (count === 0) this.scheduleAttributeExpiry(appId, channel);
  }

  /**
   * The legacy user attribute `_conn_timeout` (seconds, clamped to 20–120; empty or not a number:
   * the server's default): how long the session outlives silence before its user goes offline.
   */
  connTimeoutSet(session: Session, value: string): void {
    const seconds = value.trim() === '' ? NaN : Number(value);
    session.offlineAfterMs = Number.isFinite(seconds) ? Math.min(Math.max(seconds, CONN_TIMEOUT_RANGE_S[0]), CONN_TIMEOUT_RANGE_S[1]) * 1000 : undefined;
    if (!session.ended) this.armSilence(session);
  }

  remoteChannelSettingsChanged(appId: string, channel: string): void {
    this.builtins.forget(appId, channel);
  }

  /** Clears an empty channel's attributes after the grace period (unless someone joins meanwhile). */
  private scheduleAttributeExpiry(appId: string, channel: string): void {
    const key = keyOf(appId, channel);
    this.cancelAttributeExpiry(appId, channel);
    // Legacy special channels (`__agora_user_online`, `__agora_channel_event`) never expire.
    if (channel.startsWith(SPECIAL_CHANNEL_PREFIX)) return;
    this.attributeExpiry.set(
      key,
      this.clock.setTimeout(() => {
        this.attributeExpiry.delete(key);
        this.background(
          'channelAttributes.expire',
          this.store.clearChannelAttributesIfEmpty(appId, channel).then((cleared) => {
            if (cleared) this.builtins.written(appId, channel, {}, { op: 'clear' });
          }),
          { appId, channel },
        );
      }, this.builtins.known(appId, channel)?.ttlMs ?? this.options.timings.channelAttributesTtlMs),
    );
  }

  private cancelAttributeExpiry(appId: string, channel: string): void {
    const key = keyOf(appId, channel);
    const t = this.attributeExpiry.get(key);
    if (t === undefined) return;
    this.clock.clearTimeout(t);
    this.attributeExpiry.delete(key);
  }

  renewToken(session: Session, token: string): void {
    const app = this.options.apps ? this.options.apps[session.appId] : {};
    const verdict = verifyToken({
      appId: session.appId,
      certificate: app?.certificate,
      uid: session.uid,
      token,
      nowSec: Math.floor(this.clock.now() / 1000),
    });
    if (!verdict.ok) {
      const expired = verdict.reason === 'TOKEN_EXPIRED';
      this.options.observer.tokenRejected?.(session.appId, session.uid, verdict.reason, verdict.detail);
      throw new RequestFailure(expired ? RenewTokenError.TOKEN_EXPIRED : RenewTokenError.INVALID_TOKEN, expired ? TOKEN_MESSAGES.TOKEN_EXPIRED : TOKEN_MESSAGES.INVALID_TOKEN);
    }
    this.armTokenTimers(session, verdict.expiresAt === undefined ? undefined : verdict.expiresAt * 1000);
  }

  // ---- timers -----------------------------------------------------------------------------------

  /**
   * Presence from silence: UNREACHABLE once nothing has arrived for `unreachableAfterMs`, session over
   * (OFFLINE) after `offlineAfterMs`. One timer per session, re-armed lazily from `lastSeen`, so a
   * busy session costs nothing per frame.
   */
  private armSilence(session: Session): void {
    this.silences.set(session, Math.min(session.lastSeen + this.offlineAfter(session), this.unreachableAt(session)));
  }

  /**
   * UNREACHABLE is for subscribers only: a user nobody watches has no such stage (and is pinged
   * rarely, so it may well be silent for longer). Silence counts from when the watching began.
   */
  private unreachableAt(s: Session): number {
    return s.presence === 'ONLINE' && this.watched(s) ? Math.max(s.lastSeen, s.watchedAt) + this.options.timings.unreachableAfterMs : Infinity;
  }

  /** A session's silence deadline passed (it may have moved since: `lastSeen` is not re-armed per frame). */
  private silent(session: Session): void {
    if (session.ended) return;
    const now = this.clock.now();
    if (now - session.lastSeen >= this.offlineAfter(session)) {
      this.background('session.end', this.endSession(session, 'offline'));
      return;
    }
    if (now >= this.unreachableAt(session)) {
      session.presence = 'UNREACHABLE';
      this.background('presence', this.announcePresence(session, 'UNREACHABLE'));
    }
    this.armSilence(session);
  }

  /** How long a session outlives silence: the legacy user attribute `_conn_timeout`, else timings.offlineAfterMs. */
  private offlineAfter(session: Session): number {
    return session.offlineAfterMs ?? this.options.timings.offlineAfterMs;
  }

  private armTokenTimers(session: Session, expiresAt: number | undefined): void {
    for (const t of session.tokenTimers.splice(0)) this.clock.clearTimeout(t);
    session.tokenExpiresAt = expiresAt;
    if (expiresAt === undefined) return;
    const now = this.clock.now();
    const warnAt = expiresAt - this.options.timings.tokenWarningMs;
    session.tokenTimers.push(
      this.clock.setTimeout(() => {
        if (!session.ended) session.push(encodeEvent({ e: 'tokenWillExpire' }));
      }, Math.max(0, warnAt - now)),
      this.clock.setTimeout(() => {
        if (session.ended) return;
        // Connected: the session ends (ABORTED / TOKEN_EXPIRED). Away: it lives on, and the resume
        // fails with TOKEN_EXPIRED until the client brings a renewed token.
        if (session.attached) {
          this.bus.kick(session, 'TOKEN_EXPIRED');
          this.background('session.end', this.endSession(session, 'token-expired'));
        }
      }, Math.max(0, expiresAt - now)),
    );
  }

  // ---- session end ------------------------------------------------------------------------------

  /**
   * A session passed a bound on what the server holds for it: it ends (after the event being
   * pushed, outside the fan-out loop that pushed it), its socket closes with 4005.
   */
  private readonly onSessionOverflow = (session: Session, why: string): void => this.overflow(session, why);

  private overflow(session: Session, why: string): void {
    this.options.observer.sessionOverflow?.(session.appId, session.uid, why);
    queueMicrotask(() => {
      session.outlet?.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
      this.background('session.end', this.endSession(session, 'overflow'));
    });
  }

  async endSession(session: Session, why: EndReason): Promise<void> {
    if (session.ended) return;
    this.options.observer.sessionEnded?.(session.appId, session.uid, why);
    const channels = [...session.channels];
    this.silences.clear(session);
    for (const t of session.tokenTimers.splice(0)) this.clock.clearTimeout(t);
    // Timed out with a socket still attached (half-open): close it, so that the client notices and logs in afresh.
    if (why === 'offline') session.outlet?.close(CloseCode.SESSION_TIMED_OUT, 'session timed out');
    // Peer messages sent with enableOfflineMessaging that never reached the client go to the offline cache.
    const spill = this.options.offlineMessaging ? session.undeliveredOffline() : [];
    session.end();
    this.bus.unregister(session);
    const ctx: HandlerContext = { core: this, session };
    const { appId, uid } = session;
    // Each step on its own: a store failure in one must not leave the others undone.
    const step = async (what: string, work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (err) {
        this.options.observer.fault?.(`session.end.${what}`, err, { appId, uid, why });
      }
    };
    for (const m of spill) await step('offline.spill', () => this.cacheOffline(appId, uid, m));
    for (const ch of channels) await step('leave', () => leaveChannel(ctx, ch));
    await step('subscriptions', () => this.store.dropSubscriptions(appId, uid));
    // User attributes live as long as the login.
    await step('attributes', () => this.store.clearUserAttributes(appId, uid));
    if (why !== 'replaced') {
      await step('release', async () => {
        if (!(await this.store.releaseSession(appId, uid, session.sid))) return;
        this.builtins.userOnline(appId, uid, false);
        await this.announcePresence(session, 'OFFLINE');
      });
    }
  }

  private async announcePresence(session: Session, state: 'ONLINE' | 'UNREACHABLE' | 'OFFLINE'): Promise<void> {
    const subscribers = await this.store.subscribersOf(session.appId, session.uid);
    if (subscribers.length === 0) return;
    // Subscribed to before this login: watched from the start.
    if (state === 'ONLINE') this.watch(session.appId, session.uid);
    const ev = encodeEvent({ e: 'presence', states: { [session.uid]: state } });
    for (const s of subscribers) this.bus.pushToUser(session.appId, s, ev);
  }

  private async watchIfSubscribed(session: Session): Promise<void> {
    if ((await this.store.subscribersOf(session.appId, session.uid)).length > 0) this.watch(session.appId, session.uid);
  }

  /**
   * The heartbeat a client should keep. A client that says `beat` (protocol extension, see
   * EXTENSIONS.md) on a socket the server can ping relies on the server's pings: it is told the
   * longest gap between them (`ping`), and one that cannot hear pings (a browser) beats that rarely.
   * Older clients, and sockets without ping frames (the in-process loopback), keep heartbeatMs.
   */
  private beatFor(conn: Connection, req: RequestOf<'login'>): { hb: number; ping?: number } {
    if (req.beat === undefined || !conn.pingable) return { hb: this.options.timings.heartbeatMs };
    return { hb: this.idlePingMs, ping: this.idlePingMs };
  }

  /** How often a connection's client must be heard from: often while someone watches its presence. */
  pingIntervalOf(session: Session | undefined): number {
    return session && this.watched(session) ? this.watchedPingMs : this.idlePingMs;
  }

  // ---- a bus spanning several nodes (BusHost) -----------------------------------------------------

  async endLocalSession(session: Session, reason: KickReason): Promise<void> {
    this.bus.kick(session, reason);
    await this.endSession(session, reason === 'REMOTE_LOGIN' ? 'replaced' : 'kicked');
  }

  /** The session of a dead node ends as if it had timed out here (or been replaced, for a newer login). */
  async endOrphanedSession(appId: string, uid: string, sid: string, channels: readonly string[], why: 'offline' | 'replaced'): Promise<void> {
    const orphan = new Session(sid, appId, uid, this.clock.now(), this.options.rates, this.clock);
    for (const ch of channels) orphan.addChannel(ch);
    await this.endSession(orphan, why);
  }

  /**
   * A session of this node moves to another (its client resumed there): its timers stop, its socket
   * here closes (no kick: the client is already elsewhere), and its state leaves with it.
   */
  handOff(session: Session): ReturnType<Session['handOff']> {
    this.silences.clear(session);
    for (const t of session.tokenTimers.splice(0)) this.clock.clearTimeout(t);
    session.outlet?.close(4001, 'session resumed on another node');
    this.options.observer.sessionMoved?.(session.appId, session.uid);
    return session.handOff();
  }

  remoteMemberCountChanged(appId: string, channel: string): void {
    this.counts.changed(appId, channel);
  }

  // ---- administration -----------------------------------------------------------------------------

  /** Online users of this node, optionally of one app. */
  onlineUsers(appId?: string): { appId: string; uid: string; presence: string; channels: string[] }[] {
    return this.bus
      .snapshot()
      .sessions.filter((s) => appId === undefined || s.appId === appId)
      .map((s) => ({ appId: s.appId, uid: s.uid, presence: s.attached ? s.presence : 'UNREACHABLE', channels: [...s.channels] }));
  }

  /** Channels of this node with their member counts, optionally of one app. */
  channelCounts(appId?: string): { appId: string; channel: string; members: number }[] {
    return this.bus.snapshot().channels.filter((c) => appId === undefined || c.appId === appId);
  }

  /** Ends a user's session as BANNED_BY_SERVER, on whichever node hosts it. False when the user is not online. */
  async kick(appId: string, uid: string): Promise<boolean> {
    const session = this.bus.localSession(appId, uid);
    if (!session) return (await this.bus.kickElsewhere?.(appId, uid)) ?? false;
    this.bus.kick(session, 'BANNED_BY_SERVER');
    await this.endSession(session, 'kicked');
    return true;
  }

  /**
   * Graceful end: every client is told to reconnect (elsewhere) and disconnected; sessions are not
   * ended here, so a client that comes back within the grace period resumes on the next server if
   * the state is shared.
   */
  async drain(): Promise<void> {
    this.accepting = false;
    const going = encodeFrame({ t: 'error', code: ProtocolError.GOING_AWAY, msg: 'server shutting down; reconnect' });
    for (const conn of [...this.connections]) {
      conn.send(going);
      conn.close(1012, 'service restart');
    }
    await Promise.resolve();
  }

  /** Ends every session and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.accepting = false;
    for (const conn of [...this.connections]) conn.close(1001, 'server closing');
    this.counts.close();
    this.builtins.close();
    this.pings.stop();
    this.silences.stop();
    this.clock.clearTimeout(this.offlineSweep);
    this.offlineSweep = undefined;
    for (const t of this.attributeExpiry.values()) this.clock.clearTimeout(t);
    this.attributeExpiry.clear();
    await this.bus.close?.();
    await this.store.close();
  }
}
