#!/usr/bin/env node
// The `sig2rtm` command: see `sig2rtm --help`.
require('../dist/cjs/cli.js').main(process.argv.slice(2));
