/**
 * The Java SDK's generated sources are what docs/gateway-api.json renders now (npm run gen:java), and
 * they carry the legacy jar's interface: 42 + 1 ECODE constants, the jar's Java types, 37 callbacks.
 */

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderJavaFiles } from '../../scripts/native/render-java';

const ROOT = resolve(__dirname, '../..');
const files = renderJavaFiles();

test.each(Object.keys(files))('%s is up to date (npm run gen:java)', (rel) => {
  expect(readFileSync(join(ROOT, rel), 'utf8')).toBe(files[rel]);
});

test('IAgoraAPI has the jar signatures', () => {
  const api = Object.entries(files).find(([k]) => k.endsWith('IAgoraAPI.java'))![1];
  for (const sig of [
    'int ECODE_LOGIN_E_NET = 201;',
    'void login(String vendorID, String account, String token, int uid, String deviceID);',
    'void login2(String vendorID, String account, String token, int uid, String deviceID, int retry_time_in_s, int retry_count);',
    'int isOnline();',
    'int getStatus();',
    'void dbg(String a, String b);',
    'void destory();',
    'void destroy();',
    'void channelInviteAccept(String channelID, String account, int uid);',
    'void channelInviteAccept(String channelID, String account, int uid, String extra);',
    'void onLoginSuccess(int uid, int fd);',
    'void onChannelUserList(String[] accounts, int[] uids);',
    'void onDbg(String a, byte[] b);',
    'void onBCCall_result(String reason, String json_ret, String callID);',
  ]) {
    expect(api).toContain(sig);
  }
  expect(api.match(/^ {4}void on\w+\(/gm)).toHaveLength(37);
  expect(api.match(/^ {2}int ECODE_\w+ = \d+;/gm)).toHaveLength(43);
});
