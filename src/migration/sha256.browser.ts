/** SHA-256 of a UTF-8 string in browser builds (no node:crypto; crypto.subtle needs a secure context). */

import { sha256 as nobleSha256 } from '@noble/hashes/sha256';

export function sha256(text: string): Uint8Array {
  return nobleSha256(new TextEncoder().encode(text));
}
