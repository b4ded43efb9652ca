/**
 * A request's fingerprint: FNV-1a (32-bit) over the frame as received, plus its length. A client
 * re-sends a request after a resume as the same bytes, so equal fingerprints mean "the same request
 * again" and different ones mean a request id reused for something else. Cheap (one pass, no
 * allocation); not a defence against a client forging collisions with itself.
 */

import type { WireData } from '../protocol/codec';

export function fingerprint(data: WireData): string {
  let h = 0x811c9dc5;
  if (typeof data === 'string') {
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data.charCodeAt(i), 0x01000193);
    return `s${(h >>> 0).toString(36)}:${data.length}`;
  }
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ (data[i] as number), 0x01000193);
  return `b${(h >>> 0).toString(36)}:${data.length}`;
}
