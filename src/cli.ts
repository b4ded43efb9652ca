/** Entry of the `sig2rtm` command (bin/sig2rtm.mjs). */

import { runCli } from './service/cli';

export function main(argv: string[]): Promise<void> {
  return runCli(argv, {
    env: process.env,
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
    exit: (code) => process.exit(code),
  });
}
