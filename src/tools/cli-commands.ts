/**
 * The migration tools' subcommands, `sig2rtm scan` and `sig2rtm migrate`. Their modules (and the
 * TypeScript compiler they use) load only when one of them runs.
 */

import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { MAPPING_KINDS, type MappingKind } from '../mapping/rows';
import { ConfigError } from '../service/config';
import type { ReportFormat } from './scan/report';

interface ToolIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  exit: (code: number) => void;
}

export function addToolCommands(program: Command, io: ToolIO): void {
  program
    .command('scan')
    .description('find every use of the legacy Signaling API (JS/TS, HTML script blocks, C++, Java) and what each becomes on RTM')
    .argument('<paths...>', 'files or directories (node_modules, dist and dot-directories are skipped)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'html']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <kind>', 'exit with code 1 if a use of this kind or a harder one is found (direct < adapted < emulated < unsupported)').choices([...MAPPING_KINDS]))
    .addHelpText('after', '\nEach use: file:line:column, the legacy name, its kind, the RTM API to use and what changes (the rows of MIGRATION.md).\n"(by name)" marks a use recognised by a name specific to the legacy API on an object the scanner could not follow.')
    .action(async (paths: string[], opts: { format: ReportFormat; output?: string; failOn?: MappingKind }) => {
      requireExisting(paths);
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

  program
    .command('migrate')
    .description('rewrite legacy web-flavour code into agora-rtm-sdk 1.x code, and mark what needs a person with TODO(sig2rtm) notes')
    .argument('<paths...>', 'files or directories (JavaScript, TypeScript, HTML script blocks)')
    .option('--write', 'change the files (default: print a unified diff and change nothing)')
    .addHelpText(
      'after',
      [
        '',
        'Rewritten: web-flavour calls and handler assignments that have an RTM 1.x spelling (Signal → AgoraRTM.createInstance,',
        'messageInstantSend → sendMessageToPeer with its result, handler assignments → on(…) listeners, …) on objects the codemod',
        'can follow. Marked with a TODO(sig2rtm) note from MIGRATION.md: every other legacy use, and every rewrite of a row that',
        'is not direct. Code it does not recognise is left as it is; running it again changes nothing.',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: { write?: boolean }) => {
      requireExisting(paths);
      const { migrate } = await import('./migrate/migrate');
      const { createTwoFilesPatch } = await import('diff');
      const files = await migrate(paths);
      for (const f of files) {
        if (f.skipped !== undefined) io.stderr(`sig2rtm: ${f.file}: left as it is (${f.skipped})`);
        if (f.after === f.before) continue;
        if (opts.write) fs.writeFileSync(f.full, f.after);
        else io.stdout(createTwoFilesPatch(`a/${f.file}`, `b/${f.file}`, f.before, f.after, '', '', { context: 3 }).trimEnd());
      }
      const notes = files.flatMap((f) => f.notes);
      const count = (action: string) => notes.filter((n) => n.action === action).length;
      const changed = files.filter((f) => f.after !== f.before);
      io.stderr(`${changed.length} file(s) ${opts.write ? 'changed' : 'to change'}: ${count('rewritten')} use(s) rewritten, ${count('marked')} marked TODO(sig2rtm)`);
    });
}

function requireExisting(paths: readonly string[]): void {
  const missing = paths.find((p) => !fs.existsSync(p));
  if (missing !== undefined) throw new ConfigError(`${missing}: no such file or directory`);
}
