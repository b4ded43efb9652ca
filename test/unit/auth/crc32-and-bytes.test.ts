import { crc32 as zlibCrc32 } from 'node:zlib';
import { ByteReader, decodeBase64Strict } from '../../../src/rtm-core/auth/byte-reader';
import { crc32 } from '../../../src/rtm-core/auth/crc32';

describe('crc32', () => {
  it('gives the standard CRC-32 check value and the §9.1 vector CRCs', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('test_user')).toBe(0x88eafc86);
    expect(crc32('')).toBe(0);
  });

  it('agrees with zlib on ASCII, UTF-8 and binary input', () => {
    const samples = ['alice', 'Ünïcödé 用户', 'x'.repeat(1000)];
    for (const s of samples) expect(crc32(s)).toBe(zlibCrc32(Buffer.from(s, 'utf8')));
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(crc32(binary)).toBe(zlibCrc32(binary));
  });
});

describe('ByteReader', () => {
  it('reads little-endian fields and returns undefined, not an exception, past the end', () => {
    const reader = new ByteReader(Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x02, 0x00, 0x68]));
    expect(reader.u16()).toBe(0x0201);
    expect(reader.u32()).toBe(0x06050403);
    expect(reader.str()).toBeUndefined(); // claims 2 bytes, only 1 left
  });

  it('reads a privilege map and rejects one cut short', () => {
    const whole = Buffer.from([0x01, 0x00, 0xe8, 0x03, 0x10, 0x00, 0x00, 0x00]);
    expect(new ByteReader(whole).privileges()).toEqual(new Map([[1000, 16]]));
    expect(new ByteReader(whole.subarray(0, 7)).privileges()).toBeUndefined();
  });
});

describe('decodeBase64Strict', () => {
  it('decodes canonical padded base64', () => {
    expect(decodeBase64Strict('aGk=')?.toString()).toBe('hi');
    expect(decodeBase64Strict('')?.length).toBe(0);
  });

  it.each([
    ['missing padding', 'aGk'],
    ['stray character Node would skip', 'aG!k='],
    ['url-safe alphabet', 'a-_='],
    ['non-zero padding bits', 'aGl='],
    ['whitespace', 'aGk= '],
  ])('rejects %s', (_label, text) => {
    expect(decodeBase64Strict(text)).toBeUndefined();
  });
});
