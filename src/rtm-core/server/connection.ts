/**
 * One client connection, whatever carries it (a `ws` socket or the in-process loopback): decodes and
 * validates every frame, answers bad ones with a typed error, and hands good ones to the core.
 * Nothing a client sends can throw out of here.
 */

import { decodeFrame, encodeFrame, type WireData } from '../protocol/codec';
import { ProtocolError } from '../protocol/codes';
import { validateClientFrame, type ValidationLimits } from '../protocol/validate';
import type { TimerHandle } from '../clock';
import type { RtmCore } from './core';
import { RequestFailure } from './handlers/context';
import { RateLimiter } from '../rate-limit';
import type { RateName } from './options';
import { fingerprint } from './fingerprint';
import type { Outlet, Session } from './session';
import type { Pingable } from './ping-wheel';

/** The old clients' JSON heartbeat, recognised before any parsing. */
const PING_FRAME = '{"t":"ping"}';

/** What a transport must provide for a connection. */
export interface SocketLike {
  send(data: WireData): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection at once (a peer that ignores the close frame). */
  terminate?(): void;
  /** Bytes queued on the socket and not yet sent. */
  bufferedAmount?(): number;
  /**
   * Sends a WebSocket ping frame; the peer's pong comes back through `Connection.heard`. Absent on
   * transports without control frames (the in-process loopback): their clients keep the JSON heartbeat.
   */
  ping?(): void;
}

/** Close codes we use (4000–4999 are for applications). */
export const CloseCode = {
  KICKED: 4000,
  RESUMED_ELSEWHERE: 4001,
  TOO_MANY_ERRORS: 4002,
  LOGIN_TIMEOUT: 4003,
  /** The session ended for silence while this socket was still open. */
  SESSION_TIMED_OUT: 4004,
  /** The session passed a bound on what the server holds for it (a receiver that does not keep up): it ended. */
  SLOW_CONSUMER: 4005,
} as const;

/** WebSocket close code 1001 (RFC 6455 §7.4.1): the endpoint is going away. */
const GOING_AWAY = 1001;

/** The code every "not logged in" request gets: 102 is USER_NOT_LOGGED_IN in every RTM code table. */
const USER_NOT_LOGGED_IN = 102;

let nextConnectionId = 1;

export class Connection implements Outlet, Pingable {
  /** For logs: which connection said what. */
  readonly id = nextConnectionId++;
  session: Session | undefined;
  /** Last time a frame or a pong arrived, ms. */
  lastHeard: number;
  /** The ping wheel's slot of this connection (-1: not pinged by the server), and its last ping. */
  wheelSlot = -1;
  pingedAt = 0;
  loggingIn = false;
  closedByPeer = false;
  private rateLimiter: RateLimiter<RateName> | undefined;
  private firstLoginAt: number | undefined;
  private badFrames = 0;
  private closing = false;
  private loginTimer: TimerHandle | undefined;
  private closeTimer: TimerHandle | undefined;
  private readonly limits: ValidationLimits;

  constructor(
    private readonly core: RtmCore,
    private readonly socket: SocketLike,
  ) {
    this.limits = core.options.limits;
    this.lastHeard = core.clock.now();
    core.addConnection(this);
    core.options.observer.connectionOpened?.(this.id);
    this.armLoginDeadline();
  }

  /** True when the server keeps this client's presence fresh with WebSocket pings. */
  get pingable(): boolean {
    return this.socket.ping !== undefined;
  }

  /** How long this client may stay unheard before the server pings it: short while someone watches its presence. */
  pingInterval(): number {
    return this.core.pingIntervalOf(this.session);
  }

  ping(): void {
    if (!this.closing) this.socket.ping?.();
  }

  /** A pong (or any sign of life without a frame) arrived. */
  heard(): void {
    if (this.closing) return;
    this.lastHeard = this.core.clock.now();
    if (this.session && !this.session.ended) this.core.touch(this.session);
  }

  /** Log in within `loginWithinMs` or be closed: at connection, and again after a logout. */
  armLoginDeadline(): void {
    this.core.clock.clearTimeout(this.loginTimer);
    this.loginTimer = this.core.clock.setTimeout(() => {
      this.loginTimer = undefined;
      if (!this.session) this.close(CloseCode.LOGIN_TIMEOUT, 'no login');
    }, this.core.options.timings.loginWithinMs);
  }

  /** Per-connection limits (logins, JSON pings); made on first use, holding the first login if there was one. */
  get rates(): RateLimiter<RateName> {
    if (!this.rateLimiter) {
      this.rateLimiter = new RateLimiter(this.core.options.rates);
      if (this.firstLoginAt !== undefined) this.rateLimiter.tryTake('login', this.firstLoginAt);
    }
    return this.rateLimiter;
  }

  /**
   * Takes a login from the connection's login window. A connection's first login always fits
   * (a window with a limit of one or more): it only notes the time, so that the common connection,
   * which logs in once, never makes a window.
   */
  takeLogin(now: number): boolean {
    if (this.rateLimiter === undefined && this.firstLoginAt === undefined && this.core.options.rates.login.limit > 0) {
      this.firstLoginAt = now;
      return true;
    }
    return this.rates.tryTake('login', now);
  }

  /** Logged in: the "log in or be closed" timer is done with. */
  loggedIn(): void {
    this.core.clock.clearTimeout(this.loginTimer);
    this.loginTimer = undefined;
  }

  send(data: WireData): void {
    if (!this.closing) this.socket.send(data);
  }

  buffered(): number {
    return this.socket.bufferedAmount?.() ?? 0;
  }

  /**
   * Closes the connection: nothing it sends from now on is handled, and a peer that does not finish
   * the closing handshake within `closeGraceMs` is cut off.
   */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(code, reason);
    if (this.socket.terminate) {
      const terminate = this.socket.terminate.bind(this.socket);
      this.closeTimer = this.core.clock.setTimeout(() => {
        this.closeTimer = undefined;
        terminate();
      }, this.core.options.timings.closeGraceMs);
    }
  }

  reply(rid: number, body: { ok: true; data: unknown } | { ok: false; code: number; msg: string }): void {
    this.send(encodeFrame({ t: 'res', rid, ...body }));
  }

  /** A frame arrived. */
  receive(data: WireData): void {
    // Closing (kicked, replaced, timed out, too many errors): whatever still arrives is ignored.
    if (this.closing) return;
    // The session ended under this socket without closing it: forget it; requests now get 102.
    if (this.session?.ended) this.session = undefined;
    this.lastHeard = this.core.clock.now();
    // The heartbeat of clients that cannot hear WebSocket pings (browsers, older SDKs), without parsing.
    if (data === PING_FRAME) {
      if (this.session) this.core.touch(this.session);
      this.pong();
      return;
    }
    let value: unknown;
    try {
      value = decodeFrame(data);
    } catch (err) {
      this.core.options.observer.invalid?.('frame', this.id, (err as Error).message);
      this.bad((err as Error).message);
      return;
    }
    const v = validateClientFrame(value, this.limits);
    if (this.session) this.core.touch(this.session);
    if (!v.ok) {
      this.core.options.observer.invalid?.(v.rid === undefined ? 'frame' : 'field', this.id, v.msg);
      if (v.rid === undefined) this.bad(v.msg);
      else {
        this.reply(v.rid, { ok: false, code: v.code, msg: v.msg });
        this.countBad();
      }
      return;
    }
    const f = v.frame;
    switch (f.t) {
      case 'ping':
        this.pong();
        return;
      case 'ack':
        this.session?.ack(f.seq);
        if (f.done !== undefined) this.session?.release(f.done);
        return;
      case 'login':
        this.core.login(this, f).catch((err: unknown) => this.internalError(f.rid, err));
        return;
      case 'logout':
        this.core.logout(this, f).catch((err: unknown) => this.internalError(f.rid, err));
        return;
      default:
        if (!this.session) {
          this.reply(f.rid, { ok: false, code: USER_NOT_LOGGED_IN, msg: 'not logged in' });
          return;
        }
        if (this.core.handle(this.session, f, fingerprint(data)) === 'reused') {
          this.core.options.observer.invalid?.('field', this.id, `request id ${f.rid} reused`);
          this.send(encodeFrame({ t: 'error', code: ProtocolError.REUSED_REQUEST_ID, msg: `request id ${f.rid} was used for another request` }));
          this.countBad();
        }
    }
  }

  /**
   * The transport closed. A close the client began with 1001 (going away: browsers send it when the
   * page is closed or navigated away) ends the session at once, so others see the user leave now;
   * any other close (a network drop: 1006) leaves the session waiting for a resume.
   */
  closed(code?: number): void {
    const pageGone = code === GOING_AWAY && !this.closing;
    this.closedByPeer = true;
    this.closing = true;
    this.core.clock.clearTimeout(this.loginTimer);
    this.core.clock.clearTimeout(this.closeTimer);
    this.loginTimer = undefined;
    this.closeTimer = undefined;
    this.core.removeConnection(this);
    this.core.options.observer.connectionClosed?.(this.id);
    const session = this.session;
    if (pageGone && session && !session.ended && session.outlet === undefined) void this.core.endSession(session, 'offline');
  }

  /** Answers a JSON heartbeat, unless they come too often (a flood is counted as bad frames). */
  private pong(): void {
    if (!this.rates.tryTake('ping', this.core.clock.now())) {
      this.core.options.observer.rateLimited?.('ping');
      this.send(encodeFrame({ t: 'error', code: ProtocolError.TOO_OFTEN, msg: 'pings too often' }));
      this.countBad();
      return;
    }
    this.send('{"t":"pong"}');
  }

  private internalError(rid: number, err: unknown): void {
    // A typed failure (shared state unavailable) says why; anything else is a bug, logged and counted.
    if (err instanceof RequestFailure) return this.reply(rid, { ok: false, code: err.code, msg: err.message });
    this.core.options.observer.fault?.('request.session', err, { conn: this.id, rid });
    this.reply(rid, { ok: false, code: 1, msg: 'internal error' });
  }

  private bad(msg: string): void {
    this.send(encodeFrame({ t: 'error', code: ProtocolError.BAD_FRAME, msg }));
    this.countBad();
  }

  private countBad(): void {
    if (++this.badFrames <= this.core.options.maxBadFrames) return;
    this.send(encodeFrame({ t: 'error', code: ProtocolError.TOO_MANY_ERRORS, msg: 'too many bad frames' }));
    this.close(CloseCode.TOO_MANY_ERRORS, 'too many bad frames');
  }
}
