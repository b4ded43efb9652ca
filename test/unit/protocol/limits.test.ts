import { DEFAULT_LIMITS, isValidAppId, isValidId, utf8Length } from '../../../src/rtm-core/protocol/limits';

describe('isValidId (rtm-1x.md §6.1)', () => {
  it('accepts 1 to 64 characters and rejects 0 and 65', () => {
    expect(isValidId('a')).toBe(true);
    expect(isValidId('a'.repeat(64))).toBe(true);
    expect(isValidId('a'.repeat(65))).toBe(false);
    expect(isValidId('')).toBe(false);
  });

  it('rejects exactly "null" but not strings that merely contain it', () => {
    expect(isValidId('null')).toBe(false);
    expect(isValidId('NULL')).toBe(true);
    expect(isValidId('nullx')).toBe(true);
    expect(isValidId('null ')).toBe(true);
  });

  it('accepts ASCII letters, digits, underscore, whitespace and every allowed punctuation mark', () => {
    expect(isValidId('AZaz09_')).toBe(true);
    expect(isValidId('a b\tc')).toBe(true);
    expect(isValidId(' leading')).toBe(true); // Web accepts it (§6.1)
    for (const ch of '!#$%&()+,-.:;<=>?@[]^{|}~') expect([ch, isValidId(`x${ch}y`)]).toEqual([ch, true]);
    expect(isValidId('!#$%&()+,-.:;<=>?@[]^{|}~')).toBe(true);
  });

  it('rejects ASCII punctuation outside the allowed set', () => {
    for (const ch of '"\'*/\\`') expect([ch, isValidId(`x${ch}y`)]).toEqual([ch, false]);
  });

  it('rejects non-ASCII letters and control characters', () => {
    for (const id of ['é', '用户', 'a😀', 'x\u0000', 'x\u0007']) expect([id, isValidId(id)]).toEqual([id, false]);
  });

  it('rejects non-strings, numbers included', () => {
    for (const v of [123, 0, null, undefined, true, {}, ['a'], new String('a')]) expect(isValidId(v)).toBe(false);
  });
});

describe('isValidAppId', () => {
  it('needs exactly 32 characters from [0-9A-Za-z]', () => {
    expect(isValidAppId('0123456789abcdef0123456789ABCDEF')).toBe(true);
    expect(isValidAppId('0123456789abcdef0123456789abcde')).toBe(false);
    expect(isValidAppId('0123456789abcdef0123456789abcdef0')).toBe(false);
    expect(isValidAppId('0123456789abcdef0123456789abcde_')).toBe(false);
    expect(isValidAppId('0123456789abcdef0123456789abcde ')).toBe(false);
    expect(isValidAppId(1234567890)).toBe(false);
    expect(isValidAppId(undefined)).toBe(false);
  });
});

describe('utf8Length', () => {
  const samples: [string, string][] = [
    ['empty', ''],
    ['ASCII', 'hello world ~'],
    ['2-byte', 'é ß ü Ω'],
    ['3-byte', '用户 € ​'],
    ['4-byte (surrogate pairs)', '😀🎉𝄞'],
    ['mixed', 'a é 用 😀 z'],
    ['boundaries', '\u007f\u0080\u07ff\u0800\uffff'],
    ['lone high surrogate at the end', 'ab\ud83d'],
    ['lone high surrogate before ASCII', '\ud83dx'],
    ['lone low surrogate', 'x\ude00y'],
    ['two high surrogates then a low one', '\ud83d\ud83d\ude00'],
    ['reversed pair', '\ude00\ud83d'],
  ];

  it.each(samples)('%s agrees with Buffer.byteLength', (_name, text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('counts the documented widths', () => {
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('用')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('\ud83d')).toBe(3); // encoded as U+FFFD
  });

  it('agrees with Buffer.byteLength on every BMP code unit', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const s = String.fromCharCode(c);
      if (utf8Length(s) !== Buffer.byteLength(s, 'utf8')) throw new Error(`mismatch at U+${c.toString(16)}`);
    }
  });
});

describe('DEFAULT_LIMITS (rtm-1x.md §6.2)', () => {
  it('match the documented figures', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      messageBytes: 32_768,
      invitationBytes: 8_192,
      channelsPerClient: 20,
      membersReturned: 512,
      memberEventsUpTo: 512,
      queryPeersPerCall: 256,
      subscriptionsPerClient: 512,
      countChannelsPerCall: 32,
      offlineMessagesPerUser: 200,
      offlineMessageTtlMs: 7 * 24 * 3600 * 1000,
    });
  });
});
