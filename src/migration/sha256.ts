/** SHA-256 of a UTF-8 string (Node's crypto; browser builds take sha256.browser.ts instead). */

import { createHash } from 'node:crypto';

export function sha256(text: string): Uint8Array {
  return createHash('sha256').update(text).digest();
}
