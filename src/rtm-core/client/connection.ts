/**
 * The client's link to the server: one state machine (a single `setState` funnel), the transport,
 * heartbeats, reconnect with backoff and session resume, request ids and timeouts, and in-order,
 * exactly-once handling of pushed events. RtmClient is a facade over this.
 */

import { EventEmitter } from 'eventemitter3';
import type { Clock, TimerHandle } from '../clock';
import { decodeFrame, encodeFrame, type WireData } from '../protocol/codec';
import { LoginError } from '../protocol/codes';
import type { ClientRequest, KickReason, PushEvent, RequestType, ResultMap, ServerFrame } from '../protocol/frames';
import { PROTOCOL_VERSION } from '../protocol/frames';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { RtmError} from './errors';
import { errorFor, RtmTimeoutError } from './errors';
import { ConnectionChangeReason as Reason, ConnectionState as State } from './status-codes';
import type { Transport, TransportFactory } from './transports/transport';

export interface LinkOptions {
  appId: string;
  url: string;
  transport: TransportFactory;
  clock: Clock;
  backoff: BackoffOptions;
  /** Login gives up after this long (Web SDK: 12 s). */
  loginTimeoutMs: number;
  /** One connection attempt (handshake and login answer) gives up after this long; the next follows with backoff. */
  attemptTimeoutMs?: number;
  /** Heartbeat interval until the server says otherwise. */
  heartbeatMs: number;
}

export interface LinkEvents {
  state: (state: State, reason: Reason) => void;
  push: (ev: PushEvent) => void;
  /** A reconnect was refused because the token expired; `renewToken` resumes it. */
  tokenExpired: () => void;
  /** Back after a reconnect. `resumed` false: the server had dropped the session (channels, subscriptions, attributes gone). */
  restored: (resumed: boolean) => void;
  /** A reconnection attempt is scheduled: the n-th of this outage (1, 2, 3, …). */
  reconnectAttempt: (n: number) => void;
}

/** A request's outcome before the caller maps a failure to its API's error class. */
export type Outcome<T extends RequestType> = { ok: true; data: ResultMap[T] } | { ok: false; code: number; msg: string };

type RequestBody = ClientRequest extends infer R ? (R extends { rid: number } ? Omit<R, 'rid'> : never) : never;

interface Pending {
  frame: ClientRequest;
  settle: (outcome: Outcome<RequestType>) => void;
  fail: (err: Error) => void;
  /** When it times out, ms. */
  deadline: number;
}

/** Requests with one timeout, in deadline order, watched by one timer (not one timer per request). */
interface TimeoutClass {
  ms: number;
  rids: number[];
  head: number;
  timer: TimerHandle | undefined;
}

/** How long a non-urgent acknowledgement may wait to cover more pushes. */
const ACK_DELAY_MS = 100;

/** Sentinel for a request that timed out, mapped per API by the caller. */
export class RequestTimeout extends Error {
  override name = 'RequestTimeout';
}

const KICK_REASON: Record<KickReason, Reason> = {
  REMOTE_LOGIN: Reason.REMOTE_LOGIN,
  TOKEN_EXPIRED: Reason.TOKEN_EXPIRED,
  BANNED_BY_SERVER: Reason.BANNED_BY_SERVER,
  INTERRUPTED: Reason.INTERRUPTED,
};

export class Link extends EventEmitter<LinkEvents> {
  state: State = State.DISCONNECTED;
  uid: string | undefined;
  token: string | undefined;

  private transport: Transport | undefined;
  private sid: string | undefined;
  private lastSeq = 0;
  private ackedSeq = 0;
  private ackScheduled = false;
  private lazyAck: TimerHandle | undefined;
  private nextRid = 1;
  private readonly pending = new Map<number, Pending>();
  private attempt = 0;
  private reconnectTimer: TimerHandle | undefined;
  /** The watchdog of the attempt in progress: no answer to the login by then, and the attempt is abandoned. */
  private attemptTimer: TimerHandle | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private heartbeatMs: number;
  /** Extension beat/1: the server pings us and we hear it, so we send no heartbeat of our own. */
  private serverPings = false;
  /** The server speaks beat/1: a silent link is lost after 2 intervals (older servers: 3 heartbeats). */
  private beatMode = false;
  private lastHeard = 0;
  /** Waiting for `renewToken` after a reconnect was refused for an expired token. */
  private awaitingToken = false;
  private login$: { resolve: () => void; reject: (e: Error) => void; timer: TimerHandle } | undefined;

  constructor(private readonly opts: LinkOptions) {
    super();
    this.heartbeatMs = opts.heartbeatMs;
  }

  private get clock(): Clock {
    return this.opts.clock;
  }

  /** The one place the state changes. */
  private setState(next: State, reason: Reason): void {
    if (this.state === next) return;
    this.state = next;
    this.emit('state', next, reason);
  }

  // ---- login / logout ---------------------------------------------------------------------------

  login(uid: string, token: string | undefined): Promise<void> {
    this.uid = uid;
    this.token = token;
    this.sid = undefined;
    this.lastSeq = 0;
    this.ackedSeq = 0;
    this.attempt = 0;
    this.setState(State.CONNECTING, Reason.LOGIN);
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.failLogin(Reason.LOGIN_TIMEOUT, errorFor(LoginError, LoginError.TIMEOUT, 'login timed out'));
      }, this.opts.loginTimeoutMs);
      this.login$ = { resolve, reject, timer };
      this.open();
    });
  }

  private failLogin(reason: Reason, err: RtmError): void {
    const l = this.login$;
    if (!l) return;
    this.login$ = undefined;
    this.clock.clearTimeout(l.timer);
    this.teardown();
    this.setState(State.DISCONNECTED, reason);
    l.reject(err);
  }

  async logout(): Promise<void> {
    if (this.state === State.ABORTED) {
      this.teardown();
      this.setState(State.DISCONNECTED, Reason.LOGOUT);
      return;
    }
    if (this.state === State.CONNECTED) {
      // Best effort: the server ends the session at once; if it cannot hear us it will after the grace period.
      await Promise.race([
        this.request({ t: 'logout' }, 2000).catch(() => undefined),
        new Promise((r) => this.clock.setTimeout(() => r(undefined), 2000)),
      ]);
    }
    if (this.login$) this.failLogin(Reason.LOGOUT, errorFor(LoginError, LoginError.ABORTED_BY_LOGOUT, 'aborted by logout'));
    this.teardown();
    this.setState(State.DISCONNECTED, Reason.LOGOUT);
  }

  /** Closes everything and fails every pending request. */
  private teardown(): void {
    this.clock.clearTimeout(this.reconnectTimer);
    this.clock.clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    this.clock.clearTimeout(this.lazyAck);
    this.lazyAck = undefined;
    this.clock.clearTimeout(this.heartbeatTimer);
    this.reconnectTimer = undefined;
    this.heartbeatTimer = undefined;
    this.awaitingToken = false;
    const t = this.transport;
    this.transport = undefined;
    t?.close(1000, 'bye');
    for (const [rid, p] of this.pending) {
      this.pending.delete(rid);
      p.settle({ ok: false, code: 102, msg: 'not logged in' });
    }
    for (const c of this.timeouts.values()) this.clock.clearTimeout(c.timer);
    this.timeouts.clear();
    this.sid = undefined;
  }

  // ---- transport --------------------------------------------------------------------------------

  private open(): void {
    this.clock.clearTimeout(this.attemptTimer);
    this.attemptTimer = this.clock.setTimeout(() => {
      this.attemptTimer = undefined;
      // Accepted but never answered (a black-holed route, a stuck proxy): drop it and try again.
      const t = this.transport;
      if (!t) return;
      this.transport = undefined;
      this.loginRid = -1;
      t.close(4102, 'attempt timed out');
      this.lost();
    }, this.opts.attemptTimeoutMs ?? 5000);
    const transport = this.opts.transport(this.opts.url, {
      onOpen: () => {
        if (this.transport !== transport) return;
        this.lastHeard = this.clock.now();
        const resume = this.sid === undefined ? undefined : { sid: this.sid, ack: this.lastSeq };
        this.sendLogin(resume);
      },
      onMessage: (data) => {
        if (this.transport === transport) this.receive(data);
      },
      onClose: () => {
        if (this.transport !== transport) return;
        this.transport = undefined;
        this.lost();
      },
      onPing: () => {
        if (this.transport === transport) this.lastHeard = this.clock.now();
      },
    });
    this.transport = transport;
  }

  private sendLogin(resume: { sid: string; ack: number } | undefined): void {
    const frame: ClientRequest = {
      t: 'login',
      rid: this.nextRid++,
      v: PROTOCOL_VERSION,
      appId: this.opts.appId,
      uid: this.uid ?? '',
      ...(this.token === undefined ? {} : { token: this.token }),
      ...(resume ? { resume } : {}),
      beat: this.transport?.hearsPings === true ? 'ws' : 'json',
    };
    this.transport?.send(encodeFrame(frame));
    this.loginRid = frame.rid;
  }

  private loginRid = -1;

  /** The transport went away without us asking. */
  private lost(): void {
    this.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (this.state === State.CONNECTED) this.setState(State.RECONNECTING, Reason.INTERRUPTED);
    if (this.state === State.RECONNECTING || this.state === State.CONNECTING) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.awaitingToken) return;
    const delay = backoffDelay(this.attempt++, this.opts.backoff);
    if (this.state === State.RECONNECTING) this.emit('reconnectAttempt', this.attempt);
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === State.RECONNECTING || this.state === State.CONNECTING) this.open();
    }, delay);
  }

  private receive(data: WireData): void {
    let frame: ServerFrame;
    try {
      frame = decodeFrame(data) as ServerFrame;
    } catch {
      return; // a server of ours never sends this; ignore rather than crash the app
    }
    this.lastHeard = this.clock.now();
    switch (frame.t) {
      case 'res':
        if (frame.rid === this.loginRid) this.onLoginResult(frame);
        else this.onResult(frame);
        return;
      case 'push':
        if (frame.seq <= this.lastSeq) return; // already had it (replayed after a resume)
        this.lastSeq = frame.seq;
        this.scheduleAck(frame.ev.e === 'peer');
        this.emit('push', frame.ev);
        return;
      case 'kick':
        this.abort(KICK_REASON[frame.reason] ?? Reason.INTERRUPTED);
        return;
      case 'pong':
      case 'error':
        return;
    }
  }

  private onLoginResult(frame: Extract<ServerFrame, { t: 'res' }>): void {
    this.loginRid = -1;
    this.clock.clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    if (!frame.ok) {
      if (this.login$) {
        this.failLogin(Reason.LOGIN_FAILURE, errorFor(LoginError, frame.code, frame.msg, { serverCode: frame.code }));
        return;
      }
      // A refused resume.
      if (frame.code === LoginError.TOKEN_EXPIRED) {
        this.awaitingToken = true;
        this.transport?.close(1000, 'token expired');
        this.transport = undefined;
        this.emit('tokenExpired');
        return;
      }
      if (frame.code === LoginError.TOO_OFTEN) {
        this.transport?.close(1000, 'retry');
        return;
      }
      this.abort(Reason.INTERRUPTED);
      return;
    }
    const data = frame.data as ResultMap['login'];
    const resumed = data.resumed;
    if (!resumed) {
      this.lastSeq = 0;
      this.ackedSeq = 0;
      this.reportedDone = 0;
    }
    this.sid = data.sid;
    this.heartbeatMs = data.hb;
    this.serverPings = data.ping !== undefined && this.transport?.hearsPings === true;
    this.beatMode = data.ping !== undefined;
    this.attempt = 0;
    this.startHeartbeat();
    const first = this.login$;
    // Wire order: what restores a lost session (the client re-joins on 'restored'), then requests made
    // while away and those whose answer the drop swallowed (the server answers a re-sent rid from its
    // memory instead of running it twice), then whatever the app sends once it hears CONNECTED.
    const queued = [...this.pending.values()];
    if (!first) {
      this.restoring = true;
      this.emit('restored', resumed);
      this.restoring = false;
    }
    for (const p of queued) this.transport?.send(encodeFrame(p.frame));
    if (first) {
      this.login$ = undefined;
      this.clock.clearTimeout(first.timer);
      this.setState(State.CONNECTED, Reason.LOGIN_SUCCESS);
      first.resolve();
    } else {
      this.setState(State.CONNECTED, Reason.LOGIN_SUCCESS);
    }
  }

  /** True while 'restored' handlers run: their requests go out at once, ahead of the queued ones. */
  private restoring = false;

  /** The server ended the session (kicked): ABORTED, no reconnect. */
  private abort(reason: Reason): void {
    if (this.login$) {
      this.failLogin(Reason.LOGIN_FAILURE, errorFor(LoginError, LoginError.REJECTED, `aborted: ${reason}`));
      return;
    }
    this.teardown();
    this.setState(State.ABORTED, reason);
  }

  /**
   * Acknowledgements are cumulative, so one can cover many pushes. A peer message (or call signal)
   * is acknowledged right after the batch of frames it came in, because its sender is waiting for
   * `hasPeerReceived`; anything else (channel messages, member events, presence) waits up to
   * ACK_DELAY_MS for company, which spares a 1,000-member channel 1,000 ack frames per message.
   */
  private scheduleAck(urgent: boolean): void {
    if (urgent) {
      if (this.ackScheduled) return;
      this.ackScheduled = true;
      queueMicrotask(() => {
        this.ackScheduled = false;
        this.flushAck();
      });
      return;
    }
    this.lazyAck ??= this.clock.setTimeout(() => {
      this.lazyAck = undefined;
      this.flushAck();
    }, ACK_DELAY_MS);
  }

  /**
   * Every request below this rid has its answer (or was given up): the server may forget their
   * answers, which it keeps to answer a re-send after a resume instead of running it twice.
   */
  private answeredBelow(): number {
    const oldest = this.pending.keys().next();
    return oldest.done ? this.nextRid : oldest.value;
  }

  /** Acknowledges pushes, and answers when `withAnswers` (or when pushes are due anyway). */
  private flushAck(withAnswers = false): void {
    if (!this.transport) return;
    const done = this.answeredBelow();
    if (this.lastSeq === this.ackedSeq && (!withAnswers || done === this.reportedDone)) return;
    this.ackedSeq = this.lastSeq;
    this.reportedDone = done;
    this.transport.send(encodeFrame({ t: 'ack', seq: this.lastSeq, done }));
  }

  private reportedDone = 0;

  private startHeartbeat(): void {
    this.clock.clearTimeout(this.heartbeatTimer);
    const beat = () => {
      if (this.state !== State.CONNECTED || !this.transport) return;
      // With beat/1 the server is heard at least every `hb` (its pings, or its pong to ours).
      const limit = this.heartbeatMs * (this.beatMode ? 2 : 3);
      if (this.clock.now() - this.lastHeard > limit) {
        // The server has gone quiet: treat the connection as lost and reconnect.
        const t = this.transport;
        this.transport = undefined;
        t.close(4100, 'heartbeat timeout');
        this.lost();
        return;
      }
      if (!this.serverPings) this.transport.send('{"t":"ping"}');
      this.flushAck(true);
      // Next beat, or the moment the silence would pass the limit if that comes first.
      this.heartbeatTimer = this.clock.setTimeout(beat, Math.max(1, Math.min(this.heartbeatMs, this.lastHeard + limit + 1 - this.clock.now())));
    };
    this.heartbeatTimer = this.clock.setTimeout(beat, this.heartbeatMs);
  }

  /** After `renewToken` while a reconnect waits for a fresh token. */
  retryWithToken(token: string): void {
    this.token = token;
    if (!this.awaitingToken) return;
    this.awaitingToken = false;
    this.attempt = 0;
    this.scheduleReconnect();
  }

  /** Simulates a network drop (tests and the `reconnect` diagnostics): closes the transport, keeps the session. */
  dropTransport(): void {
    const t = this.transport;
    if (!t) return;
    this.transport = undefined;
    t.close(4101, 'dropped');
    this.lost();
  }

  // ---- requests ---------------------------------------------------------------------------------

  /**
   * Sends a request and settles with its outcome. While reconnecting, the request waits and goes
   * out once the link is back; `timeoutMs` bounds the whole wait.
   */
  request<T extends RequestType>(body: Extract<RequestBody, { t: T }>, timeoutMs: number): Promise<Outcome<T>> {
    const rid = this.nextRid++;
    const frame = { ...body, rid } as unknown as ClientRequest;
    return new Promise<Outcome<T>>((resolve, reject) => {
      this.pending.set(rid, { frame, settle: resolve as (o: Outcome<RequestType>) => void, fail: reject, deadline: this.clock.now() + timeoutMs });
      this.watchTimeout(rid, timeoutMs);
      if (this.state === State.CONNECTED || this.restoring) this.transport?.send(encodeFrame(frame));
    });
  }

  private readonly timeouts = new Map<number, TimeoutClass>();

  private watchTimeout(rid: number, timeoutMs: number): void {
    let c = this.timeouts.get(timeoutMs);
    if (!c) {
      c = { ms: timeoutMs, rids: [], head: 0, timer: undefined };
      this.timeouts.set(timeoutMs, c);
    }
    c.rids.push(rid);
    if (c.timer === undefined) this.armTimeout(c);
  }

  /** Arms the class's timer for its first request still pending; expired ones fail on the way. */
  private armTimeout(c: TimeoutClass): void {
    const now = this.clock.now();
    while (c.head < c.rids.length) {
      const rid = c.rids[c.head] as number;
      const p = this.pending.get(rid);
      if (!p) {
        c.head++; // answered meanwhile
        continue;
      }
      if (p.deadline > now) {
        if (c.head > 1024) {
          c.rids = c.rids.slice(c.head);
          c.head = 0;
        }
        c.timer = this.clock.setTimeout(() => {
          c.timer = undefined;
          this.armTimeout(c);
        }, p.deadline - now);
        return;
      }
      c.head++;
      this.pending.delete(rid);
      p.fail(new RequestTimeout(`${p.frame.t} timed out after ${c.ms} ms`));
    }
    c.rids = [];
    c.head = 0;
  }

  private onResult(frame: Extract<ServerFrame, { t: 'res' }>): void {
    const p = this.pending.get(frame.rid);
    if (!p) return;
    this.pending.delete(frame.rid);
    p.settle(frame.ok ? { ok: true, data: frame.data as ResultMap[RequestType] } : { ok: false, code: frame.code, msg: frame.msg });
  }
}

/** Maps a request's outcome to its result or to the API's official error. */
export async function outcomeOrThrow<T extends RequestType>(
  running: Promise<Outcome<T>>,
  table: Readonly<Record<string, number>>,
  timeoutCode: number,
): Promise<ResultMap[T]> {
  let outcome: Outcome<T>;
  try {
    outcome = await running;
  } catch (err) {
    if (err instanceof RequestTimeout) throw new RtmTimeoutError(timeoutCode, err.message, { cause: err });
    throw err;
  }
  if (outcome.ok) return outcome.data;
  throw errorFor(table, outcome.code, outcome.msg, { serverCode: outcome.code });
}
