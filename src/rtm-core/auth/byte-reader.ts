// Little-endian reader for the packed AccessToken layouts (rtm-1x.md §9.1, §9.2). Every read is bounds-checked and
// returns undefined instead of throwing, so a truncated or hostile token is reported as "malformed", never as an exception.

/** Sequential little-endian reader over a byte buffer; each read returns undefined once the data runs out. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buf.length - this.offset;
  }

  u16(): number | undefined {
    if (this.remaining < 2) return undefined;
    const value = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number | undefined {
    if (this.remaining < 4) return undefined;
    const value = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A u16 length followed by that many raw bytes (`bytes` / `str` in the token layouts). */
  bytes(): Buffer | undefined {
    const length = this.u16();
    if (length === undefined || this.remaining < length) return undefined;
    const value = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** Like `bytes()`, decoded as UTF-8. */
  str(): string | undefined {
    return this.bytes()?.toString('utf8');
  }

  /** Everything from the current position to the end, without consuming it. */
  rest(): Buffer {
    return this.buf.subarray(this.offset);
  }

  /** A u16 count followed by that many (u16 key, u32 value) pairs, the privilege map of both token formats. */
  privileges(): Map<number, number> | undefined {
    const count = this.u16();
    if (count === undefined) return undefined;
    const map = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const key = this.u16();
      const value = this.u32();
      if (key === undefined || value === undefined) return undefined;
      map.set(key, value);
    }
    return map;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard, padded base64, or returns undefined. Node's decoder silently skips characters it does not know, so
 * without the round-trip check a token with stray characters could still decode to something; we would rather call it
 * malformed than guess.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
