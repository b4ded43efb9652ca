/** How the server reads a channel's legacy built-in attributes (legacy-signaling.md §8). */

import { DEFAULT_SETTINGS, parseSettings, touchesSettings } from '../../src/rtm-core/server/channel-builtins';

const attrs = (m: Record<string, string>) =>
  Object.fromEntries(Object.entries(m).map(([k, value]) => [k, { value, lastUpdateUserId: 'u', lastUpdateTs: 0 }]));

describe('parseSettings', () => {
  it('no built-ins: the defaults (join/leave events on, nothing written, no limits, the server TTL)', () => {
    expect(parseSettings(attrs({ topic: 'x' }))).toEqual(DEFAULT_SETTINGS);
  });

  it('seconds become ms; _auto_update_total_num counts only with _auto_update_num on', () => {
    expect(parseSettings(attrs({ _auto_update_total_num: '5' })).totalNumMs).toBe(0);
    const s = parseSettings(attrs({ _auto_update_num: '2', _auto_update_total_num: '5', _channel_ttl: '7200' }));
    expect([s.memberNumMs, s.totalNumMs, s.ttlMs]).toEqual([2000, 5000, 7_200_000]);
  });

  it('values that are not non-negative numbers count as unset', () => {
    for (const v of ['', ' ', 'abc', '-1', 'NaN', 'Infinity']) {
      expect(parseSettings(attrs({ _auto_update_num: v, _channel_ttl: v, _sendmsg_limit: v, _userNotification: v }))).toEqual(DEFAULT_SETTINGS);
    }
  });

  it('_userNotification: only 0 turns events off', () => {
    expect(parseSettings(attrs({ _userNotification: '0' })).userNotification).toBe(false);
    expect(parseSettings(attrs({ _userNotification: ' 0 ' })).userNotification).toBe(false);
    expect(parseSettings(attrs({ _userNotification: '1' })).userNotification).toBe(true);
  });

  it('limits are whole numbers per second; 0 means none', () => {
    expect(parseSettings(attrs({ _sendmsg_limit: '2.9', _setattr_limit: '0' }))).toMatchObject({ sendmsgLimit: 2, setattrLimit: undefined });
  });

  it('periods and TTLs are capped at the longest timer delay', () => {
    expect(parseSettings(attrs({ _channel_ttl: '1e12', _auto_update_num: '1e12' }))).toMatchObject({ ttlMs: 2 ** 31 - 1, memberNumMs: 2 ** 31 - 1 });
  });
});

describe('touchesSettings', () => {
  it('a change of a built-in that is a setting, or of the whole map; not the server-written counts or other keys', () => {
    expect(touchesSettings({ op: 'add', attrs: { topic: 'x' } })).toBe(false);
    expect(touchesSettings({ op: 'add', attrs: { _member_num: '3' } })).toBe(false);
    expect(touchesSettings({ op: 'add', attrs: { _sendmsg_limit: '3' } })).toBe(true);
    expect(touchesSettings({ op: 'del', keys: ['_userNotification'] })).toBe(true);
    expect(touchesSettings({ op: 'set', attrs: {} })).toBe(true);
    expect(touchesSettings({ op: 'clear' })).toBe(true);
  });
});
