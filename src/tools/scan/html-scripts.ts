/**
 * The inline `<script>` blocks of an HTML page, with where each starts, so that findings point at
 * the page's own lines. Blocks with a `src`, or a type that is not JavaScript, are left out.
 */

import type { ScriptSource } from './js-scanner';

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const JS_TYPES = /^\s*$|javascript|ecmascript|module|babel|jsx/i;

export function htmlScripts(file: string, html: string): ScriptSource[] {
  const out: ScriptSource[] = [];
  for (const m of html.matchAll(SCRIPT)) {
    const attrs = m[1] ?? '';
    const body = m[2] ?? '';
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1] ?? '';
    if (!JS_TYPES.test(type)) continue;
    const start = (m.index ?? 0) + m[0].indexOf('>') + 1;
    const before = html.slice(0, start);
    const lineOffset = before.split('\n').length - 1;
    const columnOffset = start - (before.lastIndexOf('\n') + 1);
    out.push({ file, text: body, lineOffset, columnOffset, scriptKind: /babel|jsx/i.test(type) ? 'jsx' : 'js' });
  }
  return out;
}
