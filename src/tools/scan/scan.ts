/**
 * `sig2rtm scan`: every use of the legacy API under the given paths, with its row of the mapping
 * tables. JavaScript/TypeScript (and HTML script blocks) through the TypeScript parser; C++ and Java
 * by their interfaces' names.
 */

import fs from 'node:fs';
import path from 'node:path';
import { sortFindings, type Finding } from './finding';
import { htmlScripts } from './html-scripts';
import { scanScripts, type ScriptSource } from './js-scanner';
import { loadTypeScript } from './load-typescript';
import { scanNative } from './native-scanner';
import { listSources, sourceType } from './source-files';

export interface ScanResult {
  /** The files read, relative to `cwd`. */
  files: string[];
  findings: Finding[];
}

export async function scan(paths: readonly string[], cwd = process.cwd()): Promise<ScanResult> {
  const ts = await loadTypeScript();
  const files = listSources(paths.map((p) => path.resolve(cwd, p)));
  const findings: Finding[] = [];
  const shown: string[] = [];
  for (const full of files) {
    const file = path.relative(cwd, full) || full;
    shown.push(file);
    const text = fs.readFileSync(full, 'utf8');
    const type = sourceType(full) ?? 'js';
    if (type === 'cpp' || type === 'java') findings.push(...scanNative(file, text, type));
    else {
      const tsx = /\.tsx$/i.test(full) ? 'tsx' : /\.jsx$/i.test(full) ? 'jsx' : type === 'ts' ? 'ts' : 'js';
      const sources: ScriptSource[] = type === 'html' ? htmlScripts(file, text) : [{ file, text, scriptKind: tsx }];
      findings.push(...scanScripts(ts, sources));
    }
  }
  return { files: shown, findings: sortFindings(findings) };
}
