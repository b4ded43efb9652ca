/**
 * The README's legacy native program runs unchanged against `sig2rtm serve` (the real command, in
 * its own process).
 */

import { main } from '../../examples/legacy-native';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process';

let server: ServeProcess | undefined;

afterEach(() => {
  server?.child.kill('SIGTERM');
});

async function serve(): Promise<string> {
  server = await startServeProcess(['--dev', '--store', 'memory', '--port', '0', '--log-level', 'warn']);
  return server.url;
}

test('the README legacy native program runs against sig2rtm serve', async () => {
  const url = await serve();
  const lines: string[] = [];
  await main(url, (l) => lines.push(l));
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^alice logged in \(uid \d+\)$/),
      'bob got "hello bob" from alice',
      'bob joined room',
      'alice sees bob, alice in the channel',
      'bob: room.topic = weekly sync (update)',
      'bob is called by alice to room ({"purpose":"demo"})',
      'bob got the call to room',
      'bob accepted: {"status":"ok"}',
      'alice ended the call in room',
      'bob heard alice end the call in room',
      'alice logged out (101)',
    ]),
  );
  // Order where the legacy API promises one: the call accepted before it ended.
  expect(lines.indexOf('bob accepted: {"status":"ok"}')).toBeLessThan(lines.indexOf('alice ended the call in room'));
  expect(lines.indexOf('alice ended the call in room')).toBeLessThan(lines.indexOf('alice logged out (101)'));
});
