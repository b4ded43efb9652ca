/**
 * docs/gateway-api.json, the table the C++ and Java generators read, is what the mapping renders now,
 * and it describes the legacy interface of legacy-native-interfaces.md: 37 callbacks in the header's
 * order, every IAgoraAPI member of both header generations, 43 codes.
 */

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { apiTable, renderApiTable } from '../../src/gateway/api-table';
import { renderCppFiles } from '../../scripts/native/render-cpp';

const ROOT = resolve(__dirname, '../..');

test('docs/gateway-api.json is up to date (npm run gen:native)', () => {
  expect(readFileSync(join(ROOT, 'docs/gateway-api.json'), 'utf8')).toBe(renderApiTable());
});

test('the table covers the legacy interface', () => {
  const t = apiTable();
  expect(t.callbacks.map((c) => c.name).slice(0, 3)).toEqual(['onReconnecting', 'onReconnected', 'onLoginSuccess']);
  expect(t.callbacks).toHaveLength(37);
  expect(t.callbacks.at(-1)!.name).toBe('onBCCall_result');
  // 46 members of the oldest header + destroy + messageChannelSend2.
  expect(t.methods).toHaveLength(48);
  expect(t.methods.find((m) => m.name === 'destroy')).toMatchObject({ aliases: ['destory'], route: 'gateway' });
  expect(t.methods.find((m) => m.name === 'channelInviteUser')!.params[2]).toEqual({ name: 'uid', type: 'uint32', default: 0 });
  expect(t.methods.find((m) => m.name === 'channelInviteAccept')!.params[3]).toEqual({ name: 'extra', type: 'string', default: '' });
  expect(Object.keys(t.codes)).toHaveLength(43);
  expect(t.codes.LOGIN_E_INVALID_USER).toBe(209);
});

test('the C++ SDK files generated from the table are up to date (npm run gen:native)', () => {
  for (const [rel, text] of Object.entries(renderCppFiles())) expect([rel, readFileSync(join(ROOT, rel), 'utf8')]).toEqual([rel, text]);
});
