/**
 * Worked example of a gradual migration (MIGRATION.md, "Gradual migration"). Run by the test suite
 * exactly as written (test/migration/worked-example.test.ts).
 *
 * Step 1: a feature flag sends some logins to sig2rtm and the rest to the app's original SDK.
 * Step 2: a module rewritten to the RTM API runs on the same login, in the same channel.
 * Step 3: one behavioural difference at a time is switched to RTM behaviour (compat options).
 */

import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import AgoraRTM from 'sig2rtm/rtm';
import { createSignaling, type ICallBack, type LegacySignalingApi } from 'sig2rtm/legacy';
import { createServer } from 'sig2rtm/server';

const appId = '0123456789abcdef0123456789abcdef';

/** Waits until `ready()` holds (the legacy API reports through callbacks). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((r) => setTimeout(r, 10));
}

export async function main(
  /** Your existing legacy SDK instance (on Android: AgoraAPIOnlySignal.getInstance(context, appId)). */
  originalSdk: LegacySignalingApi,
  log: (line: string) => void = console.log,
): Promise<void> {
  const server = await createServer({ port: 0 }); // in production: `sig2rtm serve` and its URL

  // Step 1. The flag: OpenFeature, evaluated with the account as targeting key. Alice is on sig2rtm.
  await OpenFeature.setProviderAndWait(
    new InMemoryProvider({
      'use-sig2rtm': {
        variants: { on: true, off: false },
        defaultVariant: 'off',
        disabled: false,
        contextEvaluator: (ctx) => (ctx.targetingKey === 'alice' ? 'on' : 'off'),
      },
    }),
  );
  const flags = OpenFeature.getClient();
  const signaling = createSignaling({
    appId,
    legacy: originalSdk,
    sig2rtm: { serverUrl: server.url, compat: {} }, // step 3 fills `compat`
    flag: ({ account }) => flags.getBooleanValue('use-sig2rtm', false, { targetingKey: account }),
    log: (d) => log(`login of ${d.account} → ${d.route} (${d.reason})`),
  });

  // The app's legacy code, unchanged: callbacks, login, a channel.
  let loggedIn = false;
  const callbacks: ICallBack = {
    onLoginSuccess: () => (loggedIn = true),
    onMessageChannelReceive: (channelID, account, _uid, msg) => log(`legacy code got "${msg}" from ${account} in ${channelID}`),
  };
  signaling.callbackSet(callbacks);
  signaling.login2(appId, 'alice', '_no_need_token', 0, '', 30, 3);
  await until(() => loggedIn);
  signaling.channelJoin('room');

  // Step 2. A module rewritten to the RTM API: same login (getRtmClient), same channel membership.
  const rtm = signaling.getRtmClient();
  if (!rtm) throw new Error('alice should be on sig2rtm');
  const channel = rtm.createChannel('room');
  channel.on('ChannelMessage', (message, from) => log(`RTM module got "${message.text ?? ''}" from ${from}`));
  await channel.join();

  // A user on the RTM API elsewhere says hello: the legacy callback and the RTM listener both hear it.
  const bob = AgoraRTM.createInstance(appId, { serverUrl: server.url });
  await bob.login({ uid: 'bob' });
  const bobsRoom = bob.createChannel('room');
  await bobsRoom.join();
  let heard = 0;
  channel.on('ChannelMessage', () => heard++);
  await bobsRoom.sendMessage({ text: 'hello from RTM' });
  await until(() => heard > 0);

  // Step 3. Switch one difference to RTM behaviour, e.g. `compat: { echoChannelMessages: false }`
  // on the sig2rtm options above; MIGRATION.md lists every option.

  // Carol is not flagged on: her login goes to the original SDK, untouched.
  signaling.logout();
  await until(() => signaling.getStatus() === 0);
  signaling.login2(appId, 'carol', 'her-legacy-token', 0, '', 30, 3);
  await until(() => signaling.current === 'legacy');

  await bob.logout();
  signaling.destroy();
  await server.close();
  await OpenFeature.close();
}
