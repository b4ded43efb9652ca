/**
 * The migration tools' subcommands, `sig2rtm scan` and `sig2rtm migrate`. Their modules (and the
 * TypeScript compiler they use) load only when one of them runs.
 */

import fs from 'node:fs';
import { Option, type Command } from 'commander';
import type { MappingKind } from '../mapping/rows';
import { ConfigError } from '../service/config';
import type { ReportFormat } from './scan/report';

interface ToolIO {
  stdout: (line: string) => void;
  exit: (code: number) => void;
}

const KIND_CHOICES: readonly MappingKind[] = ['direct', 'adapted', 'emulated', 'unsupported'];

export function addToolCommands(program: Command, io: ToolIO): void {
  program
    .command('scan')
    .description('find every use of the legacy Signaling API (JS/TS, HTML script blocks, C++, Java) and what each becomes on RTM')
    .argument('<paths...>', 'files or directories (node_modules, dist and dot-directories are skipped)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'html']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <kind>', 'exit with code 1 if a use of this kind or a harder one is found (direct < adapted < emulated < unsupported)').choices([...KIND_CHOICES]))
    .addHelpText('after', '\nEach use: file:line:column, the legacy name, its kind, the RTM API to use and what changes (the rows of MIGRATION.md).\n"(by name)" marks a use recognised by a name specific to the legacy API on an object the scanner could not follow.')
    .action(async (paths: string[], opts: { format: ReportFormat; output?: string; failOn?: MappingKind }) => {
      const missing = paths.find((p) => !fs.existsSync(p));
      if (missing !== undefined) throw new ConfigError(`${missing}: no such file or directory`);
      const { scan } = await import('./scan/scan');
      const { renderReport, failingKinds } = await import('./scan/report');
      const result = await scan(paths);
      const report = renderReport(result, opts.format);
      if (opts.output) fs.writeFileSync(opts.output, `${report}\n`);
      else io.stdout(report);
      if (opts.failOn) {
        const failing = failingKinds(opts.failOn);
        if (result.findings.some((f) => failing.includes(f.kind))) io.exit(1);
      }
    });
}
