/**
 * Pure encoding and decoding of frames. No I/O, no `ws`.
 *
 * Text frames are plain JSON. A frame that carries bytes (a RAW message) becomes one binary frame,
 * so 32 KB of raw data costs 32 KB on the wire instead of 43 KB of base64:
 *
 *   byte 0     0xB1 (marker)
 *   byte 1     number of byte blocks, n
 *   bytes 2–5  u32 big-endian length of the JSON header
 *   …          the JSON header, in which each Uint8Array is replaced by {"$b": index}
 *   n times    u32 big-endian length, then the block's bytes
 */

import type { PushEvent, ServerFrame, ClientFrame } from './frames';

const BINARY_MARKER = 0xb1;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** What travels on a socket. */
export type WireData = string | Uint8Array;

/** An event encoded once, then wrapped in a push frame per receiver (fan-out encodes only once). */
export interface EncodedEvent {
  json: string;
  bins: Uint8Array[];
}

export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Encodes any frame. */
export function encodeFrame(frame: ClientFrame | ServerFrame): WireData {
  if (!carriesBytes(frame)) return JSON.stringify(frame);
  const bins: Uint8Array[] = [];
  const json = JSON.stringify(frame, (_key, value: unknown) => {
    if (value instanceof Uint8Array) {
      bins.push(value);
      return { $b: bins.length - 1 };
    }
    return value;
  });
  return packBinary(json, bins);
}

/** Encodes a push event once, for {@link encodePush}. */
export function encodeEvent(ev: PushEvent): EncodedEvent {
  const bins: Uint8Array[] = [];
  if ('msg' in ev && ev.msg.type === 'RAW') {
    const json = JSON.stringify(ev, (_key, value: unknown) => {
      if (value instanceof Uint8Array) {
        bins.push(value);
        return { $b: bins.length - 1 };
      }
      return value;
    });
    return { json, bins };
  }
  return { json: JSON.stringify(ev), bins };
}

/** Wraps an encoded event in a `push` frame with its sequence number, without re-serialising it. */
export function encodePush(seq: number, ev: EncodedEvent): WireData {
  const json = `{"t":"push","seq":${seq},"ev":${ev.json}}`;
  return ev.bins.length === 0 ? json : packBinary(json, ev.bins);
}

/**
 * Decodes wire data into an untyped value. Throws {@link DecodeError} on anything that is not a
 * well-formed frame envelope; the field-level checks are validate.ts's job.
 */
export function decodeFrame(data: WireData): unknown {
  if (typeof data === 'string') return parseJson(data);
  return unpackBinary(data);
}

function carriesBytes(frame: ClientFrame | ServerFrame): boolean {
  if ('msg' in frame && typeof frame.msg === 'object') return frame.msg.type === 'RAW';
  if (frame.t === 'push') return 'msg' in frame.ev && frame.ev.msg.type === 'RAW';
  return false;
}

function packBinary(json: string, bins: Uint8Array[]): Uint8Array {
  const header = textEncoder.encode(json);
  let size = 6 + header.length;
  for (const b of bins) size += 4 + b.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = BINARY_MARKER;
  out[1] = bins.length;
  view.setUint32(2, header.length);
  out.set(header, 6);
  let at = 6 + header.length;
  for (const b of bins) {
    view.setUint32(at, b.length);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

function unpackBinary(data: Uint8Array): unknown {
  if (data.length < 6 || data[0] !== BINARY_MARKER) throw new DecodeError('binary frame without the 0xB1 marker');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = data[1] ?? 0;
  const headerLength = view.getUint32(2);
  if (6 + headerLength > data.length) throw new DecodeError('binary frame header overruns the frame');
  let json: string;
  try {
    json = textDecoder.decode(data.subarray(6, 6 + headerLength));
  } catch {
    throw new DecodeError('binary frame header is not UTF-8');
  }
  const bins: Uint8Array[] = [];
  let at = 6 + headerLength;
  for (let i = 0; i < count; i++) {
    if (at + 4 > data.length) throw new DecodeError('binary block length overruns the frame');
    const len = view.getUint32(at);
    if (at + 4 + len > data.length) throw new DecodeError('binary block overruns the frame');
    // A copy, so that the application never holds (and never mutates) the whole frame buffer.
    // (Not `data.slice`: on a Node Buffer, which is what `ws` hands the server, slice is a view.)
    bins.push(new Uint8Array(data.subarray(at + 4, at + 4 + len)));
    at += 4 + len;
  }
  if (at !== data.length) throw new DecodeError('trailing bytes after the last binary block');
  const used = new Set<number>();
  const value = parseJson(json, (_key, v: unknown) => {
    if (isPlaceholder(v)) {
      const bin = bins[v.$b];
      if (bin === undefined || used.has(v.$b)) throw new DecodeError(`bad binary placeholder ${v.$b}`);
      used.add(v.$b);
      return bin;
    }
    return v;
  });
  if (used.size !== bins.length) throw new DecodeError('binary block not referenced by the header');
  return value;
}

function isPlaceholder(v: unknown): v is { $b: number } {
  if (typeof v !== 'object' || v === null) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === '$b' && Number.isInteger((v as { $b: unknown }).$b);
}

function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text, reviver);
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError('frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DecodeError('frame is not a JSON object');
  }
  return value;
}
