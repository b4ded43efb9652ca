/**
 * The README's legacy native program runs unchanged against `sig2rtm serve` (the real command, in
 * its own process).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../examples/legacy-native';

const root = path.resolve(__dirname, '../..');
let server: ChildProcess | undefined;

afterEach(() => {
  server?.kill('SIGTERM');
});

function serve(): Promise<string> {
  if (!fs.existsSync(path.join(root, 'dist', 'cjs', 'cli.js'))) throw new Error('dist/cjs/cli.js missing: run `npm run build` first');
  server = spawn(process.execPath, [path.join(root, 'bin', 'sig2rtm.cjs'), 'serve', '--dev', '--store', 'memory', '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    // The start line goes to stderr (stdout carries only the JSON logs).
    server?.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    server?.once('exit', (code) => reject(new Error(`sig2rtm serve exited with ${code}: ${out}`)));
  });
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
