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

  /** Callbacks fired while `login()` runs wait until it has returned: apps set their handlers after it. */
  private held: (() => void)[] | undefined;

  holdDuring(run: () => void): void {
    const held: (() => void)[] = (this.held = []);
    try {
      run();
    } finally {
      this.held = undefined;
      if (held.length > 0) setTimeout(() => held.forEach((f) => f()), 0);
    }
  }

  private deliver<K extends CallbackName>(name: K, args: CallbackArgs<K>): void {
    if (this.held) {
      this.held.push(() => this.deliver(name, args));
      return;
    }
    const row = WEB_CALLBACKS[name];
    row?.(this, ...args);
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
