/**
 * The files a scan reads: the paths given, and under directories every source file of a language
 * the scanner knows, skipping dependencies and build output.
 */

import fs from 'node:fs';
import path from 'node:path';
import { LEGACY_SDK_FILE } from '../../mapping/flavour-names';

export type SourceType = 'js' | 'ts' | 'html' | 'cpp' | 'java';

const BY_EXTENSION: Readonly<Record<string, SourceType>> = {
  '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'js',
  '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'ts',
  '.html': 'html', '.htm': 'html',
  '.cpp': 'cpp', '.cc': 'cpp', '.cxx': 'cpp', '.h': 'cpp', '.hpp': 'cpp', '.hh': 'cpp',
  '.java': 'java',
};

/** Directories a walk does not enter. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.next', 'out', 'target']);

export function sourceType(file: string): SourceType | undefined {
  if (file.endsWith('.d.ts')) return undefined;
  return BY_EXTENSION[path.extname(file).toLowerCase()];
}

/**
 * Every source file under `paths`, sorted, but for vendored copies of the legacy SDK; a file named
 * directly is read whatever its name.
 */
export function listSources(paths: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && !entry.name.startsWith('.')) walk(full);
      } else if (entry.isFile() && sourceType(full) && !LEGACY_SDK_FILE.test(entry.name)) out.add(full);
    }
  };
  for (const p of paths) {
    const stat = fs.statSync(p); // a missing path is an error the caller reports
    if (stat.isDirectory()) walk(p);
    else out.add(p);
  }
  return [...out].sort();
}
