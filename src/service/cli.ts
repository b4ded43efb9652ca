/**
 * The `sig2rtm` command line (commander): `sig2rtm serve` runs the server, `sig2rtm token` mints a
 * token for local testing. Every serve option can also come from a JSON file (--config) or a
 * SIG2RTM_* environment variable; flags win over the environment, which wins over the file.
 */

import { Command, Option } from 'commander';
import { ConfigError, OPTION_SPECS, configJsonSchema, exampleConfig, loadConfig } from './config';
import { mintToken, type TokenKind } from './mint-token';
import { guardProcess } from './process-guard';
import { VERSION } from './version';
import { startService, type ServiceExtras } from './service';
import { addToolCommands } from '../tools/cli-commands';


export interface CliIO {
  env: NodeJS.ProcessEnv;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  exit: (code: number) => void;
  /** Extra routes for serve (the SDK bundles and the demo). */
  extras?: ServiceExtras;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(io: CliIO): Command {
  const program = new Command('sig2rtm')
    .description('Legacy Agora Signaling apps on a self-hosted RTM 1.x core')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s.trimEnd()), writeErr: (s) => io.stderr(s.trimEnd()) });

  const serve = program
    .command('serve')
    .description('run the RTM server (WebSocket at /rtm, the native legacy SDK gateway at /gateway, /healthz, /readyz, /metrics, /admin, the REST API under /dev/v2)')
    .option('--config <file>', 'JSON configuration file (also SIG2RTM_CONFIG)');
  for (const s of OPTION_SPECS) {
    // Defaults are shown, not set: a commander default would override the file and the environment.
    const help = `${s.help} (default: ${s.defaultText ?? 'none'}) [env ${s.env}]`;
    if (s.kind === 'bool') serve.addOption(new Option(`--${s.flag} [true|false]`, help));
    else if (s.kind === 'apps') serve.addOption(new Option(`--${s.flag} <appId[:certificate]>`, help).argParser(collect));
    else serve.addOption(new Option(`--${s.flag} <value>`, help));
  }
  serve.addHelpText(
    'after',
    '\nPrecedence: flags > SIG2RTM_* environment > --config file > defaults.\nThe file holds the same options by their camelCase path (see sig2rtm.example.json, `sig2rtm config-example`\nand `sig2rtm config-schema`); a value of the wrong shape, or an unknown key, is an error.\nAn app\'s REST credential and webhooks are set in the file only (apps.<appId>.rest, apps.<appId>.webhooks).\nOn start, the WebSocket URL (and the demo URL) go to stderr; stdout carries only the logs.',
  );
  serve.action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
    const flags: Record<string, string | string[] | boolean | undefined> = {};
    // commander camel-cases flag names; map them back to the spec's flag names.
    for (const s of OPTION_SPECS) {
      const key = s.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
      if (opts[key] !== undefined) flags[s.flag] = opts[key];
    }
    const config = loadConfig({ file: typeof opts.config === 'string' ? opts.config : undefined, env: io.env, flags });
    const service = await startService(config, io.extras);
    guardProcess(service.server.core.options.observer);
    const stop = () => {
      void service.shutdown().then(() => io.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Printed once the signals are handled: whoever waits for this line may stop the server at once.
    // stdout is for the JSON logs only (so `| jq` works); the start lines are for people.
    if (service.demoUrl) io.stderr(`sig2rtm demo at ${service.demoUrl}`);
    io.stderr(`sig2rtm listening on ${service.url}`);
  });

  program
    .command('config-schema')
    .description('print the JSON Schema of the configuration file')
    .action(() => io.stdout(JSON.stringify(configJsonSchema(), null, 2)));
  program
    .command('config-example')
    .description('print an example configuration file: every option at its default')
    .action(() => io.stdout(JSON.stringify(exampleConfig(), null, 2)));

  program
    .command('token')
    .description('mint a token for local testing (007 AccessToken2, 006 AccessToken, or legacy Signaling)')
    .requiredOption('--app-id <appId>', 'the app id (32 characters)')
    .requiredOption('--certificate <certificate>', "the app's certificate (32 characters)")
    .requiredOption('--uid <uid>', 'the user id (account) the token is for')
    .addOption(new Option('--type <type>', 'token type').choices(['007', '006', 'legacy']).default('007'))
    .option('--expire <seconds>', 'lifetime in seconds', '3600')
    .action((opts: { appId: string; certificate: string; uid: string; type: TokenKind; expire: string }) => {
      const expire = Number(opts.expire);
      if (!Number.isSafeInteger(expire) || expire <= 0) throw new ConfigError(`--expire: must be a whole number of seconds > 0, got ${JSON.stringify(opts.expire)}`);
      if (!/^[0-9A-Za-z]{32}$/.test(opts.appId)) throw new ConfigError('--app-id: must be 32 characters [0-9A-Za-z]');
      if (!/^[0-9A-Za-z]{32}$/.test(opts.certificate)) throw new ConfigError('--certificate: must be 32 characters [0-9A-Za-z]');
      io.stdout(mintToken({ kind: opts.type, appId: opts.appId, certificate: opts.certificate, uid: opts.uid, expireSeconds: expire }));
    });
  addToolCommands(program, io);
  return program;
}

/** Runs the command line; resolves once the command has started (serve keeps running). */
export async function runCli(argv: string[], io: CliIO): Promise<void> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return io.exit(0);
    if (err instanceof ConfigError) {
      io.stderr(`sig2rtm: ${err.message}`);
      return io.exit(2);
    }
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return io.exit(e.exitCode ?? 1);
    io.stderr(`sig2rtm: ${e.message ?? String(err)}`);
    io.exit(1);
  }
}
