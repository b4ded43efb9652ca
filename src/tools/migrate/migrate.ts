/**
 * `sig2rtm migrate`: runs the codemod over every JavaScript/TypeScript file and HTML script block
 * under the given paths; answers each changed file's old and new text (the command shows a unified
 * diff, or writes the files with --write). C++ and Java are only scanned, never changed.
 */

import fs from 'node:fs';
import path from 'node:path';
import { LEGACY_SDK_FILE } from '../../mapping/flavour-names';
import { htmlScripts } from '../scan/html-scripts';
import { loadTypeScript } from '../scan/load-typescript';
import { listSources, sourceType } from '../scan/source-files';
import { TODO_MARK, migrateScript, type MigrationNote } from './codemod';

export interface FileMigration {
  /** Relative to cwd. */
  file: string;
  full: string;
  before: string;
  after: string;
  notes: MigrationNote[];
  /** Why the file (or one of its script blocks) was left as it is. */
  skipped?: string;
}

export async function migrate(paths: readonly string[], cwd = process.cwd()): Promise<FileMigration[]> {
  const ts = await loadTypeScript();
  const out: FileMigration[] = [];
  for (const full of listSources(paths.map((p) => path.resolve(cwd, p)))) {
    const type = sourceType(full) ?? 'js';
    if (type === 'cpp' || type === 'java') continue;
    const file = path.relative(cwd, full) || full;
    const before = fs.readFileSync(full, 'utf8');
    let after = before;
    const notes: MigrationNote[] = [];
    let skipped: string | undefined;
    if (type === 'html') {
      // Script blocks from the last, so earlier offsets stay valid.
      for (const block of htmlScripts(file, before).reverse()) {
        const r = migrateScript(ts, block);
        skipped ??= r.skipped;
        const start = lineColumnOffset(before, block.lineOffset ?? 0, block.columnOffset ?? 0);
        after = after.slice(0, start) + r.text + after.slice(start + block.text.length);
        notes.push(...r.notes.map((n) => ({ ...n, line: n.line + (block.lineOffset ?? 0) })));
      }
      after = markSdkScripts(after);
    } else {
      const scriptKind = /\.tsx$/i.test(full) ? 'tsx' : /\.jsx$/i.test(full) ? 'jsx' : type === 'ts' ? 'ts' : 'js';
      const r = migrateScript(ts, { file, text: before, scriptKind });
      after = r.text;
      skipped = r.skipped;
      notes.push(...r.notes);
    }
    if (after !== before || skipped !== undefined) out.push({ file, full, before, after, notes: notes.sort((a, b) => a.line - b.line), skipped });
  }
  return out;
}

const SDK_NOTE = `<!-- ${TODO_MARK}: the page loads the legacy SDK; load the RTM 1.x SDK instead (agora-rtm-sdk, or /sdk/agora-rtm-sdk.js from sig2rtm serve). -->`;

/** A note above each `<script src=".../AgoraSig….js">` of a page (once). */
function markSdkScripts(html: string): string {
  return html.replace(/^([ \t]*)(.*?)(<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)[^>]*>)/gm, (whole, indent: string, before: string, tag: string, src: string, at: number) => {
    const file = src.split(/[?#]/)[0]!.split('/').pop() ?? '';
    const previous = html.slice(0, at).split('\n').slice(-2, -1)[0] ?? '';
    if (!LEGACY_SDK_FILE.test(file) || previous.includes(TODO_MARK)) return whole;
    return `${indent}${SDK_NOTE}\n${indent}${before}${tag}`;
  });
}

function lineColumnOffset(text: string, line: number, column: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at + column;
}
