/**
 * The web flavour's skin over the legacy engine: it owns the Session, the current Channel and the
 * Calls, and delivers each engine callback through the WEB_CALLBACKS table to their handler
 * properties. Per-call callbacks (messageInstantSend, messageChannelSend, invoke, channelLeave)
 * are matched by the ids the skin hands the engine.
 */

import { WEB_CALLBACKS, type WebTargets } from '../../mapping/web-callbacks';
import type { CallbackArgs, CallbackName } from '../native/callback';
import { LegacyEngine, type ClientFactory, type LegacyOptions } from '../engine/engine';
import { Call } from './call';
import type { Channel } from './channel';
import { fireHandler } from './handler';
import type { Session } from './session';

export class WebSkin implements WebTargets {
  readonly engine: LegacyEngine;
  session!: Session;
  channel: Channel | undefined;
  readonly calls = new Map<string, Call>();
  readonly leaveCallbacks = new Map<string, () => void>();
  doLog = false;
  private readonly messageCallbacks = new Map<string, (failed: boolean) => void>();
  private readonly invokeCallbacks = new Map<string, (err: string, resp: Record<string, unknown>) => void>();
  private nextId = 1;

  constructor(appId: string, options: LegacyOptions, createClient: ClientFactory) {
    // One channel per session: the web SDK tracked a single Channel.
    const opts: LegacyOptions = { ...options, compat: { maxChannels: 1, ...options.compat } };
    this.engine = new LegacyEngine((name, ...args) => this.deliver(name, args), opts, createClient, appId);
  }

  /**
   * The legacy SDK answered every call over the network, so apps assign a handler after the call that
   * fires it (`const ch = session.channelJoin(name); ch.onChannelJoinFailed = …`). Callbacks raised
   * while an API call runs therefore wait in `pending` until it has returned (and the app's code
   * after it has run): they are delivered from a timer, in order. Later events queue behind them,
   * so the order never changes; with nothing pending, network events are delivered at once.
   */
  private depth = 0;
  private readonly pending: (() => void)[] = [];
  private flushScheduled = false;

  holdDuring<T>(run: () => T): T {
    this.depth++;
    try {
      return run();
    } finally {
      this.depth--;
      if (this.depth === 0 && this.pending.length > 0) this.scheduleFlush();
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      // A handler may call the API, which queues more: those run after it returned, in this loop.
      for (let next = this.pending.shift(); next; next = this.pending.shift()) next();
    }, 0);
  }

  private deliver<K extends CallbackName>(name: K, args: CallbackArgs<K>): void {
    const run = () => WEB_CALLBACKS[name]?.(this, ...args);
    if (this.depth > 0 || this.pending.length > 0 || this.flushScheduled) this.pending.push(run);
    else run();
  }

  // ---- WebTargets -----------------------------------------------------------------------------

  channelFor(channelId?: string): Channel | undefined {
    return channelId === undefined || this.channel?.name === channelId ? this.channel : undefined;
  }

  callKey(channelId: string, peer: string): string {
    return `${channelId}\u0000${peer}`;
  }

  call(channelId: string, peer: string): Call | undefined {
    return this.calls.get(this.callKey(channelId, peer));
  }

  incomingCall(channelId: string, peer: string, extra: string): Call {
    const call = new Call(this, channelId, peer, extra);
    this.calls.set(this.callKey(channelId, peer), call);
    return call;
  }

  fire(host: object | undefined, handler: string, args: unknown[]): void {
    fireHandler(host, handler, args);
  }

  messageResult(msgID: string, failed: boolean): void {
    const cb = this.messageCallbacks.get(msgID);
    this.messageCallbacks.delete(msgID);
    try {
      cb?.(failed);
    } catch (err) {
      console.error('[sig2rtm] exception in a message callback:', err);
    }
  }

  invokeResult(callID: string, err: string, resp: string): void {
    const cb = this.invokeCallbacks.get(callID);
    this.invokeCallbacks.delete(callID);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(resp) as Record<string, unknown>;
    } catch {
      // resp is always JSON from the engine; keep {} otherwise
    }
    try {
      cb?.(err, parsed);
    } catch (e) {
      console.error('[sig2rtm] exception in an invoke callback:', e);
    }
  }

  leaveCallback(channelId: string): boolean {
    const cb = this.leaveCallbacks.get(channelId);
    if (!cb) return false;
    this.leaveCallbacks.delete(channelId);
    try {
      cb();
    } catch (err) {
      console.error('[sig2rtm] exception in a channelLeave callback:', err);
    }
    return true;
  }

  log(line: string): void {
    if (this.doLog) console.log(line);
  }

  // ---- ids for per-call callbacks -----------------------------------------------------------------

  messageId(cb: (failed: boolean) => void): string {
    const id = `web-${this.nextId++}`;
    this.messageCallbacks.set(id, cb);
    return id;
  }

  invokeId(cb: (err: string, resp: Record<string, unknown>) => void): string {
    const id = `invoke-${this.nextId++}`;
    this.invokeCallbacks.set(id, cb);
    return id;
  }
}
