/**
 * The fixture apps mark every line that uses the legacy API with a `legacy` comment (`legacy×2` or
 * `legacyx2` for two uses): the tools' tests compare what they find with these marks.
 */

import fs from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** "file:line" → number of legacy uses marked there, for every file under `dir`. */
export function markedUses(dir: string, cwd: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else
        fs.readFileSync(full, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const m = /\/\/ legacy(?:[×x](\d+))?\s*$/.exec(line);
            if (m) out.set(`${path.relative(cwd, full)}:${i + 1}`, Number(m[1] ?? 1));
          });
    }
  };
  walk(dir);
  return out;
}

/** "file:line" → number of findings there. */
export function foundUses(findings: readonly { file: string; line: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of findings) out.set(`${f.file}:${f.line}`, (out.get(`${f.file}:${f.line}`) ?? 0) + 1);
  return out;
}

export const sorted = (m: Map<string, number>): [string, number][] => [...m].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
