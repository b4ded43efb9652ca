/**
 * examples/gradual-migration.ts, run as written (MIGRATION.md shows it verbatim), with a recording
 * double standing in for the app's original legacy SDK: alice is routed to sig2rtm, her legacy
 * callbacks and her migrated RTM module both hear bob's channel message, carol is routed to the
 * original SDK and it gets her login2 exactly as the app made it.
 */

import { main } from '../../examples/gradual-migration';
import { RecordingLegacySdk } from './helpers/recording-legacy-sdk';

const APP_ID = '0123456789abcdef0123456789abcdef';

test('the worked example runs: alice on sig2rtm (legacy + RTM code on one login), carol on the original SDK', async () => {
  const original = new RecordingLegacySdk();
  const lines: string[] = [];
  await main(original, (line) => lines.push(line));

  // The routing decisions, in order: OpenFeature's answer for each account.
  const routing = lines.filter((l) => l.startsWith('login of '));
  expect(routing).toEqual(['login of alice → sig2rtm (flag function answered true)', 'login of carol → legacy (flag function answered false)']);
  // Step 2: one message from bob reached both the unchanged legacy code and the RTM module, once each.
  const heard = lines.filter((l) => !l.startsWith('login of '));
  expect([...heard].sort()).toEqual(['RTM module got "hello from RTM" from bob', 'legacy code got "hello from RTM" from bob in room']);
  // Both were heard while alice was logged in: between the two routing lines.
  expect(lines[0]).toBe(routing[0]);
  expect(lines.at(-1)).toBe(routing[1]);

  // The original SDK: the callbacks (set before any login), carol's login2 untouched, and destroy.
  // Nothing of alice's session reached it.
  const callbackSet = original.of('callbackSet');
  expect(callbackSet).toHaveLength(1);
  expect(typeof (callbackSet[0]![0] as { onLoginSuccess?: unknown }).onLoginSuccess).toBe('function');
  expect(original.actions.map((c) => c[0])).toEqual(['callbackSet', 'login2', 'destroy']);
  expect(original.of('login2')).toEqual([[APP_ID, 'carol', 'her-legacy-token', 0, '', 30, 3]]);
  expect(JSON.stringify(original.calls)).not.toContain('alice');
});
