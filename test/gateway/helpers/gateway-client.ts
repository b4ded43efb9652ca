/**
 * A TypeScript client of the legacy gateway, speaking docs/gateway-protocol.md by hand: hello,
 * numbered calls, acknowledged callbacks, resume after a drop. It records every frame so tests can
 * assert order, sequence numbers and errors; `autoAck` acknowledges each callback as it arrives.
 */

import WebSocket from 'ws';
import { until } from '../../helpers/harness';

export type Frame = Record<string, unknown>;

export class GatewayClient {
  /** Every frame received, in order, across reconnects. */
  readonly frames: Frame[] = [];
  session: string | undefined;
  /** The last callback seq processed (acknowledged when autoAck). */
  lastCb = 0;
  closed: { code: number; reason: string } | undefined;
  private ws: WebSocket | undefined;
  private callSeq = 0;
  /** Calls sent, kept until acknowledged: resent after a resume. */
  private readonly unacked: Frame[] = [];

  constructor(
    private url: string,
    private readonly autoAck = true,
  ) {}

  /** Opens a socket and says hello (new session, or resume when `resume`). */
  async connect(resume = false, url = this.url): Promise<Frame> {
    this.url = url;
    this.closed = undefined;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.on('message', (data) => {
      const f = JSON.parse((data as Buffer).toString('utf8')) as Frame;
      if (f.t === 'cb') {
        const seq = f.seq as number;
        if (seq <= this.lastCb) return; // already processed (the protocol says: drop it)
        this.lastCb = seq;
        if (this.autoAck) this.raw({ t: 'ack', seq });
      }
      if (f.t === 'ack') {
        while (this.unacked.length > 0 && (this.unacked[0]!.seq as number) <= (f.seq as number)) this.unacked.shift();
      }
      this.frames.push(f);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const from = this.frames.length;
    this.raw(resume && this.session ? { t: 'hello', v: 1, sdk: 'ts-test', resume: { session: this.session, ack: this.lastCb } } : { t: 'hello', v: 1, sdk: 'ts-test' });
    await until(() => this.frames.slice(from).some((f) => f.t === 'welcome' || f.t === 'error') || this.closed !== undefined, 3000, 'welcome');
    const welcome = this.frames.slice(from).find((f) => f.t === 'welcome' || f.t === 'error')!;
    if (welcome.t === 'welcome') {
      this.session = welcome.session as string;
      // Resend what the server has not taken.
      for (const c of this.unacked) if ((c.seq as number) > (welcome.ack as number)) this.raw(c);
    }
    return welcome;
  }

  /** Sends anything (bad frames included). */
  raw(frame: Frame | string | Buffer): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** A legacy call; returns its seq. Sent now if connected, else after the next resume. */
  call(method: string, ...args: unknown[]): number {
    const frame = { t: 'call', seq: ++this.callSeq, m: method, a: args };
    this.unacked.push(frame);
    this.raw(frame);
    return frame.seq;
  }

  ack(seq = this.lastCb): void {
    this.raw({ t: 'ack', seq });
  }

  /** Callbacks received: [name, ...args]. */
  callbacks(name?: string): unknown[][] {
    return this.frames.filter((f) => f.t === 'cb' && (name === undefined || f.n === name)).map((f) => [f.n, ...(f.a as unknown[])]);
  }

  /** Waits for a callback `name` whose arguments match `pred`; returns its arguments. */
  async waitFor(name: string, pred: (args: unknown[]) => boolean = () => true, ms = 5000): Promise<unknown[]> {
    const find = () => this.callbacks(name).find((c) => pred(c.slice(1)));
    await until(() => find() !== undefined, ms, `${name} (got ${JSON.stringify(this.callbacks().filter((c) => c[0] !== 'onLog'))})`);
    return find()!.slice(1);
  }

  async waitFrame(pred: (f: Frame) => boolean, ms = 5000): Promise<Frame> {
    await until(() => this.frames.some(pred), ms, `frame (got ${JSON.stringify(this.frames.slice(-10))})`);
    return this.frames.find(pred)!;
  }

  async waitClosed(ms = 5000): Promise<{ code: number; reason: string }> {
    await until(() => this.closed !== undefined, ms, 'close');
    return this.closed!;
  }

  /** Logs in with login2 and waits for onLoginSuccess. */
  async login(appId: string, account: string): Promise<number> {
    this.call('login2', appId, account, '_no_need_token', 0, '', 30, 3);
    const [uid] = await this.waitFor('onLoginSuccess');
    return uid as number;
  }

  close(): void {
    this.ws?.terminate();
  }
}
