/**
 * The legacy gateway: a WebSocket endpoint on the RTM server's own port where native legacy SDKs
 * (C++ `agora_sig.h`, Java `io.agora`) send legacy calls and receive legacy callbacks. Each session
 * runs the legacy engine over an in-process RTM client of the server's core, so native users meet
 * JS legacy users and RTM users exactly as those meet each other. docs/gateway-protocol.md.
 *
 *   const server = await createServer({ port: 8080 });
 *   const gateway = attachGateway(server); // ws://host:8080/gateway
 */

import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { RtmServer } from '../rtm-core/server/ws-server';
import { systemClock, type Clock, type TimerHandle } from '../rtm-core/clock';
import type { LegacyOptions } from '../legacy-api/engine/engine';
import {
  DEFAULT_GATEWAY_LIMITS, GATEWAY_PROTOCOL_VERSION, GatewayClose, GatewayError, parseClientFrame,
  type GatewayErrorCode, type GatewayLimits, type GatewayServerFrame, type HelloFrame,
} from './protocol';
import { GatewaySession, type GatewayLink } from './session';

export const DEFAULT_GATEWAY_PATH = '/gateway';

export interface GatewayOptions extends Partial<GatewayLimits> {
  /** WebSocket path on the server's port. Default `/gateway`. */
  path?: string;
  /** A socket that sends no hello within this long is closed (4003). Default 10 000 ms. */
  helloTimeoutMs?: number;
  /** Bad frames tolerated per connection before it is closed (4004). Default 20. */
  maxBadFrames?: number;
  /** Sessions held at once, attached or waiting for a resume; a new one beyond is refused (4008). Default 10 000. */
  maxSessions?: number;
  /** Compat options and RTM client settings for every session's engine. */
  legacy?: LegacyOptions;
  clock?: Clock;
}

/** Where the gateway mounts: a listening RtmServer, or the WebSocket router of an embedded service (no URL of its own). */
export type GatewayHost = Pick<RtmServer, 'core' | 'mount'> & { readonly url?: string };

export interface Gateway {
  /** ws(s)://host:port/gateway, or just the path when the host has no URL (embedded). */
  readonly url: string;
  /** Live sessions (attached or waiting for their client to resume). */
  readonly sessionCount: number;
  /** Ends every session (their users log out) and refuses new ones. */
  close(): void;
}

/** Mounts the legacy gateway on a running server. */
export function attachGateway(server: GatewayHost, options: GatewayOptions = {}): Gateway {
  const path = options.path ?? DEFAULT_GATEWAY_PATH;
  const limits: GatewayLimits = {
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_GATEWAY_LIMITS.maxFrameBytes,
    maxPendingCallbacks: options.maxPendingCallbacks ?? DEFAULT_GATEWAY_LIMITS.maxPendingCallbacks,
    maxPendingBytes: options.maxPendingBytes ?? DEFAULT_GATEWAY_LIMITS.maxPendingBytes,
    resumeMs: options.resumeMs ?? DEFAULT_GATEWAY_LIMITS.resumeMs,
  };
  const clock = options.clock ?? systemClock;
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  const maxBadFrames = options.maxBadFrames ?? 20;
  const maxSessions = options.maxSessions ?? 10_000;
  const sessions = new Map<string, GatewaySession>();
  let closed = false;
  const ctx = { core: server.core, clock, limits, legacy: options.legacy ?? {}, ended: (s: GatewaySession) => sessions.delete(s.id) };

  server.mount(path, (ws: WebSocket, _req: IncomingMessage) => {
    new GatewayConnection(ws, {
      limits,
      clock,
      helloTimeoutMs,
      maxBadFrames,
      open(hello) {
        if (closed) return undefined;
        if (hello.resume) return sessions.get(hello.resume.session);
        if (sessions.size >= maxSessions) return 'full';
        const s = new GatewaySession(ctx);
        sessions.set(s.id, s);
        return s;
      },
    });
  }, { maxFrameBytes: limits.maxFrameBytes });

  return {
    get url() {
      return `${server.url?.replace(/\/[^/]*$/, '') ?? ''}${path}`;
    },
    get sessionCount() {
      return sessions.size;
    },
    close() {
      closed = true;
      for (const s of [...sessions.values()]) s.end(GatewayClose.SESSION_ENDED, 'server closing');
    },
  };
}

interface ConnectionDeps {
  limits: GatewayLimits;
  clock: Clock;
  helloTimeoutMs: number;
  maxBadFrames: number;
  /** The session for a hello: a new one, the one to resume, undefined (unknown / closed) or 'full'. */
  open(hello: HelloFrame): GatewaySession | undefined | 'full';
}

/** One socket: the handshake, then frames to its session. */
class GatewayConnection implements GatewayLink {
  private session: GatewaySession | undefined;
  private badFrames = 0;
  private helloTimer: TimerHandle | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ConnectionDeps,
  ) {
    this.helloTimer = deps.clock.setTimeout(() => this.close(GatewayClose.HELLO_TIMEOUT, 'no hello'), deps.helloTimeoutMs);
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('close', () => {
      deps.clock.clearTimeout(this.helloTimer);
      this.session?.detach(this);
    });
    // Errors (bad UTF-8, oversize frames) are followed by 'close'; ws has answered the peer.
    ws.on('error', () => undefined);
  }

  send(frame: GatewayServerFrame | string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  private error(code: GatewayErrorCode, message: string, seq?: number): void {
    this.send(seq === undefined ? { t: 'error', code, message } : { t: 'error', code, message, seq });
    if (++this.badFrames > this.deps.maxBadFrames) this.close(GatewayClose.TOO_MANY_ERRORS, 'too many bad frames');
  }

  private receive(data: RawData, isBinary: boolean): void {
    try {
      if (isBinary) return this.error(GatewayError.BAD_FRAME, 'frames are JSON text');
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
      const parsed = parseClientFrame(text);
      if (!parsed.ok) return this.error(parsed.code, parsed.message);
      const f = parsed.frame;
      if (f.t === 'hello') return this.hello(f);
      const session = this.session;
      if (!session) return this.error(GatewayError.BAD_STATE, `${f.t} before hello`);
      switch (f.t) {
        case 'call':
          session.call(f.seq, f.m, f.a);
          return;
        case 'ack':
          session.acked(f.seq);
          return;
        case 'bye':
          session.end(1000, 'bye');
          return;
      }
    } catch (err) {
      // Last guard: nothing a client sends may throw out of the socket handler.
      this.error(GatewayError.BAD_FRAME, `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private hello(f: HelloFrame): void {
    if (this.session) return this.error(GatewayError.BAD_STATE, 'hello was already sent');
    if (f.v !== GATEWAY_PROTOCOL_VERSION) {
      this.send({ t: 'error', code: GatewayError.UNSUPPORTED_VERSION, message: `protocol version ${f.v} is not supported; this server speaks ${GATEWAY_PROTOCOL_VERSION}` });
      return this.close(GatewayClose.UNSUPPORTED_VERSION, 'unsupported version');
    }
    const session = this.deps.open(f);
    if (session === 'full') {
      this.send({ t: 'error', code: GatewayError.TOO_MANY_SESSIONS, message: 'the gateway is full: try again later' });
      return this.close(GatewayClose.TOO_MANY_SESSIONS, 'too many sessions');
    }
    if (!session || session.ended) {
      this.send({ t: 'error', code: GatewayError.UNKNOWN_SESSION, message: 'no such session (it ended or never existed): log in again' });
      return this.close(GatewayClose.UNKNOWN_SESSION, 'unknown session');
    }
    this.deps.clock.clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
    this.session = session;
    session.attach(this, f.resume?.ack ?? 0);
    this.send({ t: 'welcome', v: GATEWAY_PROTOCOL_VERSION, session: session.id, resumed: f.resume !== undefined, ack: session.lastCall, st: session.status, limits: this.deps.limits });
    session.replay();
  }
}
