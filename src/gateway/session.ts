/**
 * One gateway session: a legacy engine (the native `AgoraAPI` skin) over an in-process RTM client of
 * the server's own core, the calls taken from the native client in seq order exactly once, and the
 * callbacks numbered and kept until acknowledged so that a client that reconnects gets every one of
 * them once, in order. The session outlives its socket for `resumeMs`.
 */

import { randomBytes } from 'node:crypto';
import AgoraRTM from '../rtm';
import { loopbackTransport } from '../rtm-core/client/transports/loopback';
import type { RtmCore } from '../rtm-core/server/core';
import type { Clock, TimerHandle } from '../rtm-core/clock';
import { AgoraAPI } from '../legacy-api/native/agora-api';
import type { LegacyOptions } from '../legacy-api/engine/engine';
import { CALLBACK_SIGNATURES } from '../mapping/native-signatures';
import { AgoraECode } from '../mapping/legacy-codes';
import type { CallbackName, ICallBack } from '../legacy-api/native/callback';
import { GatewayClose, GatewayError, checkCall, type CallbackFrame, type GatewayLimits, type GatewayServerFrame } from './protocol';

/** Where a session writes; a socket, attached or not. */
export interface GatewayLink {
  /** A frame, or one already encoded. */
  send(frame: GatewayServerFrame | string): void;
  close(code: number, reason: string): void;
}

interface Pending {
  frame: CallbackFrame;
  text: string;
}

export interface SessionContext {
  core: RtmCore;
  clock: Clock;
  limits: GatewayLimits;
  legacy: LegacyOptions;
  /** Called once when the session is over (to forget it). */
  ended(session: GatewaySession): void;
}

export class GatewaySession {
  readonly id = randomBytes(16).toString('hex');
  /** The last call seq taken. */
  lastCall = 0;
  private nextSeq = 1;
  private readonly outbox: Pending[] = [];
  private outboxBytes = 0;
  private link: GatewayLink | undefined;
  private expiry: TimerHandle | undefined;
  private over = false;
  readonly api: AgoraAPI;

  constructor(private readonly ctx: SessionContext) {
    const transport = loopbackTransport(ctx.core);
    this.api = AgoraAPI.createAgoraSDKInstance('', {
      ...ctx.legacy,
      createClient: (appId, config) => AgoraRTM.createInstance(appId, { ...config, transport }),
    });
    // One handler with every callback: each becomes a numbered frame.
    const handler: ICallBack = {};
    for (const name of Object.keys(CALLBACK_SIGNATURES) as CallbackName[]) {
      (handler as Record<string, (...a: unknown[]) => void>)[name] = (...args: unknown[]) => this.push(name, args);
    }
    this.api.callbackSet(handler);
  }

  get ended(): boolean {
    return this.over;
  }

  get status(): number {
    return this.api.getStatus();
  }

  /** Attaches a socket (new or resumed): drops what the client has, replays the rest. */
  attach(link: GatewayLink, ackedByClient: number): void {
    if (this.link) this.link.close(GatewayClose.REPLACED, 'session resumed elsewhere');
    this.ctx.clock.clearTimeout(this.expiry);
    this.expiry = undefined;
    this.link = link;
    this.acked(ackedByClient);
  }

  /** Sends what the client has not acknowledged yet (after the welcome frame). */
  replay(): void {
    for (const p of this.outbox) this.link?.send(p.text);
  }

  /** The socket went away: keep everything for `resumeMs`. */
  detach(link: GatewayLink): void {
    if (this.link !== link || this.over) return;
    this.link = undefined;
    this.expiry = this.ctx.clock.setTimeout(() => this.end(), this.ctx.limits.resumeMs);
  }

  acked(seq: number): void {
    let n = 0;
    while (n < this.outbox.length && this.outbox[n]!.frame.seq <= seq) {
      this.outboxBytes -= this.outbox[n]!.text.length;
      n++;
    }
    if (n > 0) this.outbox.splice(0, n);
  }

  /**
   * A call frame: taken once, in seq order. Answers with an ack (and an error frame when the call
   * is bad). A call already taken (a resend after a drop) is acknowledged again and not run again.
   */
  call(seq: number, m: string, a: unknown[]): void {
    if (this.over) return; // frames that were on their way after a bye
    const link = this.link;
    if (seq <= this.lastCall) {
      link?.send({ t: 'ack', seq: this.lastCall });
      return;
    }
    if (seq !== this.lastCall + 1) {
      link?.send({ t: 'error', code: GatewayError.BAD_SEQ, message: `expected call seq ${this.lastCall + 1}, got ${seq}`, seq });
      return;
    }
    this.lastCall = seq;
    link?.send({ t: 'ack', seq });
    const checked = checkCall(m, a);
    if (!checked.ok) {
      link?.send({ t: 'error', code: checked.code, message: checked.message, seq });
      // A known method with bad arguments: the app hears it as the legacy SDK said it.
      if (checked.method) this.push('onError', [checked.method, AgoraECode.GENERAL_E_WRONG_PARAM, checked.message]);
      return;
    }
    const fn = (this.api as unknown as Record<string, (...args: unknown[]) => void>)[checked.method];
    try {
      fn!.apply(this.api, checked.args);
    } catch (err) {
      // AgoraAPI catches its own failures; this is a last guard so no call can break the server.
      this.push('onError', [checked.method, AgoraECode.GENERAL_E_FAILED, `${checked.method}: ${err instanceof Error ? err.message : String(err)}`]);
    }
  }

  private push(name: CallbackName, args: unknown[]): void {
    if (this.over) return;
    const frame: CallbackFrame = { t: 'cb', seq: this.nextSeq++, n: name, a: args, st: this.api.getStatus() };
    const text = JSON.stringify(frame);
    this.outbox.push({ frame, text });
    this.outboxBytes += text.length;
    const { maxPendingCallbacks, maxPendingBytes } = this.ctx.limits;
    if (this.outbox.length > maxPendingCallbacks || this.outboxBytes > maxPendingBytes) {
      this.end(GatewayClose.SLOW_READER, 'too many unacknowledged callbacks');
      return;
    }
    this.link?.send(text);
  }

  /** Ends the session: logs the engine out (others see the user leave) and closes the socket. */
  end(code: number = GatewayClose.SESSION_ENDED, reason = 'session ended'): void {
    if (this.over) return;
    this.over = true;
    this.ctx.clock.clearTimeout(this.expiry);
    this.expiry = undefined;
    this.outbox.length = 0;
    this.outboxBytes = 0;
    const link = this.link;
    this.link = undefined;
    link?.close(code, reason);
    this.api.callbackSet(undefined);
    this.api.destroy();
    this.ctx.ended(this);
  }
}
