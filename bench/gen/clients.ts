/**
 * One interface over the four clients the load generators drive: a raw `ws` client of the raw
 * relay, socket.io-client, sig2rtm's RTM client (AgoraRTM.createInstance) and sig2rtm's legacy
 * native API (AgoraAPI). Each gets a `Sink` for what arrives; a received peer message is
 * acknowledged the way its protocol does it.
 */

import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import AgoraRTM from '../../src/rtm';
import type { RtmClient, RtmChannel } from '../../src/rtm';
import { AgoraAPI } from '../../src/legacy';

export const APP_ID = '0123456789abcdef0123456789abcdef';

export interface Sink {
  peer(self: string, from: string, text: string): void;
  channel(self: string, ch: string, from: string, text: string): void;
}

export interface BenchClient {
  readonly uid: string;
  login(): Promise<void>;
  /** Resolves true when the peer's client acknowledged the message. */
  sendPeer(to: string, text: string): Promise<boolean>;
  join(ch: string): Promise<void>;
  sendChannel(ch: string, text: string): Promise<void>;
  close(): void;
}

export type ClientKind = 'raw' | 'socketio' | 'rtm' | 'legacy';

export function makeClient(kind: ClientKind, url: string, uid: string, sink: Sink): BenchClient {
  switch (kind) {
    case 'raw':
      return new RawClient(url, uid, sink);
    case 'socketio':
      return new SocketIoClient(url, uid, sink);
    case 'rtm':
      return new RtmBenchClient(url, uid, sink);
    case 'legacy':
      return new LegacyBenchClient(url, uid, sink);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

// ---- (a) raw relay --------------------------------------------------------------------------------

interface RawFrame {
  t: string;
  id: number;
  from?: string;
  ch?: string;
  body?: string;
  received?: boolean;
}

class RawClient implements BenchClient {
  private ws: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (f: RawFrame) => void>();

  constructor(
    private readonly url: string,
    readonly uid: string,
    private readonly sink: Sink,
  ) {}

  async login(): Promise<void> {
    const ws = new WebSocket(this.url.replace(/^http/, 'ws'));
    this.ws = ws;
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
      20_000,
      'connect',
    );
    ws.on('error', () => undefined);
    ws.on('message', (data) => this.onFrame(JSON.parse((data as Buffer).toString('utf8')) as RawFrame));
    await withTimeout(this.request({ t: 'login', uid: this.uid }), 20_000, 'login');
  }

  private request(frame: Record<string, unknown>): Promise<RawFrame> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws?.send(JSON.stringify({ ...frame, id }));
    });
  }

  private onFrame(f: RawFrame): void {
    switch (f.t) {
      case 'res': {
        const p = this.pending.get(f.id);
        this.pending.delete(f.id);
        p?.(f);
        return;
      }
      case 'msg':
        this.sink.peer(this.uid, f.from ?? '', f.body ?? '');
        this.ws?.send(`{"t":"ack","id":${f.id},"to":${JSON.stringify(f.from)}}`);
        return;
      case 'chmsg':
        this.sink.channel(this.uid, f.ch ?? '', f.from ?? '', f.body ?? '');
        return;
      default:
    }
  }

  async sendPeer(to: string, text: string): Promise<boolean> {
    const r = await this.request({ t: 'msg', to, body: text });
    return r.received === true;
  }

  async join(ch: string): Promise<void> {
    await this.request({ t: 'join', ch });
  }

  async sendChannel(ch: string, text: string): Promise<void> {
    await this.request({ t: 'chmsg', ch, body: text });
  }

  close(): void {
    this.ws?.terminate();
  }
}

// ---- (b) socket.io ------------------------------------------------------------------------------

class SocketIoClient implements BenchClient {
  private socket: Socket | undefined;

  constructor(
    private readonly url: string,
    readonly uid: string,
    private readonly sink: Sink,
  ) {}

  async login(): Promise<void> {
    const s = io(this.url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
    this.socket = s;
    s.on('msg', (from: string, body: string, ack: () => void) => {
      this.sink.peer(this.uid, from, body);
      ack();
    });
    s.on('chmsg', (ch: string, from: string, body: string) => this.sink.channel(this.uid, ch, from, body));
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      }),
      20_000,
      'connect',
    );
    await withTimeout(s.emitWithAck('login', this.uid) as Promise<boolean>, 20_000, 'login');
  }

  async sendPeer(to: string, text: string): Promise<boolean> {
    return (await this.socket?.emitWithAck('msg', to, text)) === true;
  }

  async join(ch: string): Promise<void> {
    await this.socket?.emitWithAck('join', ch);
  }

  async sendChannel(ch: string, text: string): Promise<void> {
    await this.socket?.emitWithAck('chmsg', ch, text);
  }

  close(): void {
    this.socket?.disconnect();
  }
}

// ---- (c) sig2rtm, RTM client --------------------------------------------------------------------

class RtmBenchClient implements BenchClient {
  private readonly client: RtmClient;
  private readonly channels = new Map<string, RtmChannel>();

  constructor(
    url: string,
    readonly uid: string,
    private readonly sink: Sink,
  ) {
    this.client = AgoraRTM.createInstance(APP_ID, { serverUrl: url, loginTimeoutMs: 30_000, requestTimeoutMs: 15_000 });
    this.client.on('MessageFromPeer', (msg, peerId) => this.sink.peer(this.uid, peerId, (msg as { text?: string }).text ?? ''));
  }

  login(): Promise<void> {
    return this.client.login({ uid: this.uid });
  }

  async sendPeer(to: string, text: string): Promise<boolean> {
    const r = await this.client.sendMessageToPeer({ text }, to);
    return r.hasPeerReceived;
  }

  async join(ch: string): Promise<void> {
    const channel = this.client.createChannel(ch);
    channel.on('ChannelMessage', (msg, memberId) => this.sink.channel(this.uid, ch, memberId, (msg as { text?: string }).text ?? ''));
    this.channels.set(ch, channel);
    await channel.join();
  }

  async sendChannel(ch: string, text: string): Promise<void> {
    const channel = this.channels.get(ch);
    if (!channel) throw new Error(`not in ${ch}`);
    await channel.sendMessage({ text });
  }

  close(): void {
    this.client.removeAllListeners();
    this.client.logout().catch(() => undefined);
  }
}

// ---- (d) sig2rtm, legacy native API -------------------------------------------------------------

type Settle = (ok: boolean, why?: string) => void;

class LegacyBenchClient implements BenchClient {
  private readonly api: AgoraAPI;
  private nextMsg = 1;
  private readonly sends = new Map<string, Settle>();
  private loginWaiter: Settle | undefined;
  private readonly joinWaiters = new Map<string, Settle>();

  constructor(
    url: string,
    readonly uid: string,
    private readonly sink: Sink,
  ) {
    this.api = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: url, rtm: { loginTimeoutMs: 30_000, requestTimeoutMs: 15_000 } });
    const settleSend = (id: string, ok: boolean, why?: string) => {
      const s = this.sends.get(id);
      this.sends.delete(id);
      s?.(ok, why);
    };
    this.api.callbackSet({
      onLoginSuccess: () => this.loginWaiter?.(true),
      onLoginFailed: (ecode) => this.loginWaiter?.(false, `onLoginFailed ${ecode}`),
      onMessageSendSuccess: (id) => settleSend(id, true),
      onMessageSendError: (id, ecode) => settleSend(id, false, `onMessageSendError ${ecode}`),
      onMessageInstantReceive: (account, _uid, msg) => this.sink.peer(this.uid, account, msg),
      onMessageChannelReceive: (ch, account, _uid, msg) => {
        // Legacy echoes channel messages to their sender; that is not a delivery.
        if (account !== this.uid) this.sink.channel(this.uid, ch, account, msg);
      },
      onChannelJoined: (ch) => this.settleJoin(ch, true),
      onChannelJoinFailed: (ch, ecode) => this.settleJoin(ch, false, `onChannelJoinFailed ${ecode}`),
      onError: (name, ecode, desc) => {
        if (name === 'login') this.loginWaiter?.(false, desc);
        else if (name === 'channelJoin') for (const ch of [...this.joinWaiters.keys()]) this.settleJoin(ch, false, desc);
        else process.stderr.write(`[legacy ${this.uid}] onError ${name} ${ecode} ${desc}\n`);
      },
    });
  }

  private settleJoin(ch: string, ok: boolean, why?: string): void {
    const w = this.joinWaiters.get(ch);
    this.joinWaiters.delete(ch);
    w?.(ok, why);
  }

  private waitFor(register: (s: Settle) => void, what: string): Promise<void> {
    return withTimeout(
      new Promise<void>((resolve, reject) => register((ok, why) => (ok ? resolve() : reject(new Error(`${what}: ${why ?? 'failed'}`))))),
      30_000,
      what,
    );
  }

  login(): Promise<void> {
    const done = this.waitFor((s) => (this.loginWaiter = s), 'login2');
    this.api.login2(APP_ID, this.uid, '_no_need_token', 0, '', 30, 3);
    return done;
  }

  sendPeer(to: string, text: string): Promise<boolean> {
    const id = `${this.uid}-${this.nextMsg++}`;
    return new Promise<boolean>((resolve, reject) => {
      this.sends.set(id, (ok, why) => (ok ? resolve(true) : reject(new Error(why))));
      this.api.messageInstantSend(to, 0, text, id);
    });
  }

  join(ch: string): Promise<void> {
    const done = this.waitFor((s) => this.joinWaiters.set(ch, s), 'channelJoin');
    this.api.channelJoin(ch);
    return done;
  }

  sendChannel(ch: string, text: string): Promise<void> {
    const id = `${this.uid}-${this.nextMsg++}`;
    return new Promise<void>((resolve, reject) => {
      this.sends.set(id, (ok, why) => (ok ? resolve() : reject(new Error(why))));
      this.api.messageChannelSend(ch, text, id);
    });
  }

  close(): void {
    this.api.callbackSet(null);
    this.api.logout();
  }
}
