/**
 * Messages between the app's shapes and the wire's. The rules are the Web SDK's: without
 * `messageType`, a `rawMessage` that is a Uint8Array means RAW (and there must be no `text`);
 * otherwise a string `text` means TEXT (and there must be no `rawMessage`). Extra properties are
 * tolerated. Received messages are fresh objects.
 */

import type { WireMessage } from '../protocol/frames';
import { utf8Length } from '../protocol/limits';
import type { RtmMessage } from './types';

/** The wire form, or a reason the message is invalid. */
export function toWire(message: unknown, maxBytes: number): WireMessage | string {
  if (typeof message !== 'object' || message === null) return 'message must be an object';
  const m = message as Record<string, unknown>;
  const type = m.messageType;
  const isRaw = type === 'RAW' || (type === undefined && m.rawMessage instanceof Uint8Array);
  if (isRaw) {
    if (!(m.rawMessage instanceof Uint8Array)) return 'rawMessage must be a Uint8Array';
    if (m.text !== undefined) return 'a RAW message cannot have text';
    if (m.description !== undefined && typeof m.description !== 'string') return 'description must be a string';
    const desc = typeof m.description === 'string' ? m.description : '';
    if (m.rawMessage.length + utf8Length(desc) > maxBytes) return `message over ${maxBytes} bytes`;
    return { type: 'RAW', raw: m.rawMessage, desc };
  }
  if (type !== undefined && type !== 'TEXT') return `unsupported messageType ${JSON.stringify(type)}`;
  if (typeof m.text !== 'string') return 'text must be a string';
  if (m.rawMessage !== undefined) return 'a TEXT message cannot have rawMessage';
  if (utf8Length(m.text) > maxBytes) return `message over ${maxBytes} bytes`;
  return { type: 'TEXT', text: m.text };
}

/** An app-visible message (call signals never reach the app as messages). */
export function fromWire(msg: Exclude<WireMessage, { type: 'CALL' }>): RtmMessage {
  if (msg.type === 'TEXT') return { text: msg.text, messageType: 'TEXT' };
  return { rawMessage: msg.raw, description: msg.desc, messageType: 'RAW' };
}
