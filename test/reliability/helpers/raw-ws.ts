/**
 * A WebSocket client written on a bare TCP socket, for what a well-behaved library will not do:
 * ignore the server's close frame and keep sending, stop reading, send malformed frames. It speaks
 * just enough RFC 6455 for that (masked client frames, unfragmented server frames).
 */

import crypto from 'node:crypto';
import net from 'node:net';
import { APP_ID, sleep } from '../../helpers/harness';

export class RawWs {
  /** Text frames received, parsed as JSON where they are JSON. */
  readonly frames: Record<string, unknown>[] = [];
  /** Close frames received (code), which this client never answers. */
  readonly closeFrames: number[] = [];
  /** The TCP connection ended (the server cut it). */
  ended = false;
  private buf = Buffer.alloc(0);
  private rid = 1;

  private constructor(readonly socket: net.Socket) {}

  static async connect(port: number, path = '/rtm'): Promise<RawWs> {
    const socket = net.connect(port, '127.0.0.1');
    const key = crypto.randomBytes(16).toString('base64');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => resolve());
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`);
    const head = await new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        got = Buffer.concat([got, d]);
        const end = got.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        if (!got.subarray(0, 12).toString().includes('101')) reject(new Error(`handshake refused: ${got.toString().split('\r\n')[0]}`));
        resolve(got.subarray(end + 4));
      };
      socket.on('data', onData);
    });
    const ws = new RawWs(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => (ws.ended = true));
    socket.on('data', (d: Buffer) => ws.take(d));
    if (head.length > 0) ws.take(head);
    return ws;
  }

  private take(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 2) return;
      const op = this.buf[0]! & 0x0f;
      let len = this.buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (this.buf.length < off + len) return;
      const payload = this.buf.subarray(off, off + len);
      this.buf = this.buf.subarray(off + len);
      if (op === 0x1) {
        const text = payload.toString('utf8');
        try {
          this.frames.push(JSON.parse(text) as Record<string, unknown>);
        } catch {
          this.frames.push({ text });
        }
      } else if (op === 0x8) this.closeFrames.push(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
    }
  }

  /** Sends one frame with the given opcode (masked, as a client must). */
  sendFrame(payload: Buffer, opcode = 0x1, fin = true): void {
    const mask = crypto.randomBytes(4);
    const len = payload.length;
    const head = len < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (len >= 126 && len < 65536) {
      head[0] = (fin ? 0x80 : 0) | opcode;
      head[1] = 0x80 | 126;
      head.writeUInt16BE(len, 2);
    } else if (len >= 65536) {
      head[0] = (fin ? 0x80 : 0) | opcode;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    const body = Buffer.alloc(len);
    for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i % 4]!;
    if (!this.socket.destroyed) this.socket.write(Buffer.concat([head, mask, body]));
  }

  send(frame: Record<string, unknown> | string): void {
    this.sendFrame(Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)));
  }

  /** Sends a request with the next request id; returns the id. */
  request(frame: Record<string, unknown>): number {
    const rid = this.rid++;
    this.send({ ...frame, rid });
    return rid;
  }

  /** Waits for the answer to request `rid`. */
  async response(rid: number, ms = 3000): Promise<Record<string, unknown>> {
    return this.next((f) => f.t === 'res' && f.rid === rid, ms);
  }

  async next(pred: (f: Record<string, unknown>) => boolean, ms = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const f = this.frames.find(pred);
      if (f) return f;
      if (Date.now() > deadline) throw new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(this.frames).slice(0, 500)}`);
      await sleep(5);
    }
  }

  async login(appId: string, uid: string, token?: string): Promise<Record<string, unknown>> {
    const rid = this.request({ t: 'login', v: 1, appId, uid, ...(token === undefined ? {} : { token }) });
    return this.response(rid);
  }

  /** Stops reading from the socket (a receiver that no longer drains it). */
  pause(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The raw sockets of one test file: opened against its server, destroyed together after each test. */
export class RawSockets {
  private readonly open: RawWs[] = [];

  constructor(private readonly port: () => number) {}

  async connect(): Promise<RawWs> {
    const r = await RawWs.connect(this.port());
    this.open.push(r);
    return r;
  }

  /** A raw socket logged in as `uid` (fails the test when the login is refused). */
  async loggedIn(uid: string, appId = APP_ID): Promise<RawWs> {
    const r = await this.connect();
    const res = await r.login(appId, uid);
    if (res.ok !== true) throw new Error(`raw login of ${uid} refused: ${JSON.stringify(res)}`);
    return r;
  }

  destroyAll(): void {
    for (const r of this.open.splice(0)) r.destroy();
  }
}
