/**
 * What the core reports about itself, for metrics and logs. The core calls these hooks and knows
 * nothing of Prometheus or pino; `ops/metrics.ts` and the CLI's logger implement them.
 */

import type { RequestType, WireMessage } from '../protocol/frames';

/** A peer or channel message the server accepted (for message webhooks). */
export interface AcceptedMessage {
  kind: 'peer' | 'channel';
  appId: string;
  from: string;
  /** The receiver (peer) or the channel. */
  to: string;
  msg: WireMessage;
  /** When the server accepted it: the receivers' serverReceivedTs. */
  ts: number;
  /** Peer: sent with enableOfflineMessaging. */
  offline?: boolean;
  /** From a client's session, or from the app server (REST API). */
  via: 'client' | 'rest';
}

export interface CoreObserver {
  connectionOpened?(id: number): void;
  connectionClosed?(id: number): void;
  /** A login finished: 'ok', 'resumed', or the official error code. */
  login?(result: 'ok' | 'resumed' | number, appId: string, uid: string, connectionId: number): void;
  /** A request finished: 'ok' or the official error code. */
  request?(type: RequestType, result: 'ok' | number): void;
  /** A request was refused by a rate limit. */
  rateLimited?(type: RequestType | 'ping'): void;
  /** A frame or field failed validation. */
  invalid?(kind: 'frame' | 'field', connectionId: number, detail: string): void;
  /** A peer message reached the receiving client and was acknowledged, `ms` after the server got it. */
  delivered?(kind: 'peer', ms: number): void;
  /** A token was refused (login or renewToken): the verifier's detail, for the server log only. */
  tokenRejected?(appId: string, uid: string, reason: string, detail: string, connectionId?: number): void;
  /** A message was not cached offline: a bound of the cache refused it. */
  offlineRefused?(reason: 'sender-limit' | 'cache-full'): void;
  /** The periodic sweep removed `count` expired offline messages. */
  offlineSwept?(count: number): void;
  /** A session passed a bound on what the server holds for it (it ends, close 4005). */
  sessionOverflow?(appId: string, uid: string, why: string): void;
  /**
   * A peer or channel message was accepted, before delivery: called once, on the node that accepted
   * it. Absent unless someone wants messages (message webhooks), so the hot path builds nothing.
   */
  message?(m: AcceptedMessage): void;
  /** A session ended. */
  sessionEnded?(appId: string, uid: string, why: string): void;
  /** A session hosted here moved to another node (its client resumed there): it goes on, elsewhere. */
  sessionMoved?(appId: string, uid: string): void;
  /**
   * Something failed that no client caused on purpose (a store error, a bug): it was contained —
   * the request concerned got an error, the process goes on. `where` names the place (for a metric
   * label), `context` says what it concerned (for the log).
   */
  fault?(where: string, err: unknown, context?: Record<string, unknown>): void;
}
