/**
 * One interface over the five clients the load generators drive: a raw `ws` client of the raw
 * relay, socket.io-client, sig2rtm's RTM client (AgoraRTM.createInstance), sig2rtm's legacy
 * native API (AgoraAPI) and a client of the legacy gateway speaking docs/gateway-protocol.md as
 * the C++ and Java SDKs do. Each gets a `Sink` for what arrives; a received peer message is
 * acknowledged the way its protocol does it. `sourceAddress` binds the client's socket to one
 * loopback address (127.0.0.2, …), to spread many clients over more than one address's ~28k
 * ephemeral ports.
 */

import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import AgoraRTM from '../../src/rtm';
import type { RtmClient, RtmChannel } from '../../src/rtm';
import { AgoraAPI } from '../../src/legacy';
import { webSocketTransport, type WebSocketConstructor } from '../../src/rtm-core/client/transports/websocket';
import type { TransportFactory } from '../../src/rtm-core/client/transports/transport';

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

export type ClientKind = 'raw' | 'socketio' | 'rtm' | 'legacy' | 'gateway';

export function makeClient(kind: ClientKind, url: string, uid: string, sink: Sink, sourceAddress?: string): BenchClient {
  switch (kind) {
    case 'raw':
      return new RawClient(url, uid, sink, sourceAddress);
    case 'socketio':
      return new SocketIoClient(url, uid, sink); // socket.io is not in the scale workload: no source address
    case 'rtm':
      return new RtmBenchClient(url, uid, sink, sourceAddress);
    case 'legacy':
      return new LegacyBenchClient(url, uid, sink, sourceAddress);
    case 'gateway':
      return new GatewayBenchClient(url, uid, sink, sourceAddress);
  }
}

/** `ws` options binding the socket to a source address (none: the kernel's choice). */
function bind(sourceAddress: string | undefined): WebSocket.ClientOptions {
  return sourceAddress ? { localAddress: sourceAddress } : {};
}

/** Opens a `ws` socket (bound to `sourceAddress` if given); later socket errors are followed by close. */
async function openSocket(url: string, sourceAddress: string | undefined): Promise<WebSocket> {
  const ws = new WebSocket(url, bind(sourceAddress));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    20_000,
    'connect',
  );
  ws.on('error', () => undefined);
  return ws;
}

/** The RTM client's transport over `ws`, bound to `sourceAddress`. */
function boundTransport(sourceAddress: string | undefined): TransportFactory | undefined {
  if (!sourceAddress) return undefined;
  class BoundWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, bind(sourceAddress));
    }
  }
  return webSocketTransport(BoundWebSocket as unknown as WebSocketConstructor);
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
    private readonly sourceAddress?: string,
  ) {}

  async login(): Promise<void> {
    const ws = await openSocket(this.url.replace(/^http/, 'ws'), this.sourceAddress);
    this.ws = ws;
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
    sourceAddress?: string,
  ) {
    const transport = boundTransport(sourceAddress);
    this.client = AgoraRTM.createInstance(APP_ID, { serverUrl: url, loginTimeoutMs: 30_000, requestTimeoutMs: 15_000, ...(transport ? { transport } : {}) });
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
    sourceAddress?: string,
  ) {
    const transport = boundTransport(sourceAddress);
    this.api = AgoraAPI.createAgoraSDKInstance(APP_ID, { serverUrl: url, rtm: { loginTimeoutMs: 30_000, requestTimeoutMs: 15_000, ...(transport ? { transport } : {}) } });
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

// ---- (e) sig2rtm, legacy gateway (what the C++ / Java SDKs send) --------------------------------

interface GatewayFrame {
  t: string;
  seq?: number;
  n?: string;
  a?: unknown[];
  code?: string;
  message?: string;
}

/**
 * A native legacy SDK's side of docs/gateway-protocol.md: hello, numbered calls, callbacks
 * acknowledged cumulatively once per batch (as the C++ SDK does after each batch it dispatches).
 * No resume: a dropped socket fails the run.
 */
class GatewayBenchClient implements BenchClient {
  private ws: WebSocket | undefined;
  private callSeq = 0;
  private lastCb = 0;
  private ackQueued = false;
  private nextMsg = 1;
  private readonly sends = new Map<string, Settle>();
  private readonly waiters = new Map<string, Settle>();

  constructor(
    private readonly url: string,
    readonly uid: string,
    private readonly sink: Sink,
    private readonly sourceAddress?: string,
  ) {}

  async login(): Promise<void> {
    const ws = await openSocket(this.url, this.sourceAddress);
    this.ws = ws;
    const welcome = this.wait('welcome');
    ws.once('close', (code) => this.failAll(`gateway socket closed (${code})`));
    ws.on('message', (data) => this.onFrame(JSON.parse((data as Buffer).toString('utf8')) as GatewayFrame));
    ws.send(JSON.stringify({ t: 'hello', v: 1, sdk: 'bench/1' }));
    await welcome;
    const done = this.wait('login');
    this.call('login2', APP_ID, this.uid, '_no_need_token', 0, '', 30, 3);
    return done;
  }

  private wait(key: string): Promise<void> {
    return withTimeout(new Promise<void>((resolve, reject) => this.waiters.set(key, (ok, why) => (ok ? resolve() : reject(new Error(`${key}: ${why ?? 'failed'}`))))), 30_000, key);
  }

  private settle(map: Map<string, Settle>, key: string, ok: boolean, why?: string): void {
    const s = map.get(key);
    map.delete(key);
    s?.(ok, why);
  }

  private failAll(why: string): void {
    for (const k of [...this.waiters.keys()]) this.settle(this.waiters, k, false, why);
    for (const k of [...this.sends.keys()]) this.settle(this.sends, k, false, why);
  }

  private call(m: string, ...a: unknown[]): void {
    this.ws?.send(JSON.stringify({ t: 'call', seq: ++this.callSeq, m, a }));
  }

  private onFrame(f: GatewayFrame): void {
    if (f.t === 'welcome') return this.settle(this.waiters, 'welcome', true);
    if (f.t === 'error') return this.failAll(`gateway error ${f.code ?? ''}: ${f.message ?? ''}`);
    if (f.t !== 'cb' || f.seq === undefined || f.seq <= this.lastCb) return;
    this.lastCb = f.seq;
    if (!this.ackQueued) {
      this.ackQueued = true;
      setImmediate(() => {
        this.ackQueued = false;
        this.ws?.send(`{"t":"ack","seq":${this.lastCb}}`);
      });
    }
    const a = f.a ?? [];
    switch (f.n) {
      case 'onLoginSuccess':
        return this.settle(this.waiters, 'login', true);
      case 'onLoginFailed':
        return this.settle(this.waiters, 'login', false, `onLoginFailed ${String(a[0])}`);
      case 'onChannelJoined':
        return this.settle(this.waiters, `join ${String(a[0])}`, true);
      case 'onChannelJoinFailed':
        return this.settle(this.waiters, `join ${String(a[0])}`, false, `onChannelJoinFailed ${String(a[1])}`);
      case 'onMessageSendSuccess':
        return this.settle(this.sends, String(a[0]), true);
      case 'onMessageSendError':
        return this.settle(this.sends, String(a[0]), false, `onMessageSendError ${String(a[1])}`);
      case 'onMessageInstantReceive':
        return this.sink.peer(this.uid, String(a[0]), String(a[2]));
      case 'onMessageChannelReceive':
        // Legacy echoes channel messages to their sender; that is not a delivery.
        if (a[1] !== this.uid) this.sink.channel(this.uid, String(a[0]), String(a[1]), String(a[3]));
        return;
      case 'onError':
        if (a[0] === 'login') this.settle(this.waiters, 'login', false, String(a[2]));
        else process.stderr.write(`[gateway ${this.uid}] onError ${String(a[0])} ${String(a[1])} ${String(a[2])}\n`);
        return;
      default:
    }
  }

  sendPeer(to: string, text: string): Promise<boolean> {
    const id = `${this.uid}-${this.nextMsg++}`;
    return new Promise<boolean>((resolve, reject) => {
      this.sends.set(id, (ok, why) => (ok ? resolve(true) : reject(new Error(why))));
      this.call('messageInstantSend', to, 0, text, id);
    });
  }

  join(ch: string): Promise<void> {
    const done = this.wait(`join ${ch}`);
    this.call('channelJoin', ch);
    return done;
  }

  sendChannel(ch: string, text: string): Promise<void> {
    const id = `${this.uid}-${this.nextMsg++}`;
    return new Promise<void>((resolve, reject) => {
      this.sends.set(id, (ok, why) => (ok ? resolve() : reject(new Error(why))));
      this.call('messageChannelSend', ch, text, id);
    });
  }

  close(): void {
    this.ws?.terminate();
  }
}

/**
 * An RTM client that subscribes to one peer's online status and records each change with its
 * time: the presence probe of the idle workload.
 */
export async function watchPresence(url: string, watcher: string, peer: string, onChange: (state: string, at: number) => void, now: () => number): Promise<RtmClient> {
  const client = AgoraRTM.createInstance(APP_ID, { serverUrl: url, loginTimeoutMs: 30_000, requestTimeoutMs: 15_000 });
  client.on('PeersOnlineStatusChanged', (status) => {
    const state = (status as Record<string, string>)[peer];
    if (state !== undefined) onChange(state, now());
  });
  await client.login({ uid: watcher });
  await client.subscribePeersOnlineStatus([peer]);
  return client;
}
