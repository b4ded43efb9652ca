/**
 * The scan's reports: text for a terminal, JSON for tools, and one self-contained HTML page (no
 * scripts or styles from elsewhere) for people. All three carry the same findings and summary.
 */

import type { MappingKind } from '../../mapping/rows';
import { KINDS, type Finding } from './finding';
import type { ScanResult } from './scan';

export type ReportFormat = 'text' | 'json' | 'html';

export function summarize(findings: readonly Finding[]): Record<MappingKind, number> {
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<MappingKind, number>;
  for (const f of findings) counts[f.kind]++;
  return counts;
}

const summaryLine = (r: ScanResult): string =>
  `${r.findings.length} legacy use(s) in ${new Set(r.findings.map((f) => f.file)).size} of ${r.files.length} file(s): ` +
  KINDS.map((k) => `${summarize(r.findings)[k]} ${k}`).join(', ');

function text(r: ScanResult): string {
  const lines = r.findings.map((f) => {
    const rtm = f.rtm.join(', ');
    const guess = f.confidence === 'name' ? ' (by name)' : '';
    return `${f.file}:${f.line}:${f.column}  ${f.text}${guess}  [${f.kind}]  → ${rtm}\n    ${f.difference}`;
  });
  return [...lines, summaryLine(r)].join('\n');
}

function json(r: ScanResult): string {
  return JSON.stringify({ files: r.files, summary: summarize(r.findings), findings: r.findings }, null, 2);
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const KIND_COLOUR: Readonly<Record<MappingKind, string>> = { direct: '#d7f5dd', adapted: '#fff3c4', emulated: '#dce9ff', unsupported: '#ffd6d6' };

function html(r: ScanResult): string {
  const counts = summarize(r.findings);
  const rows = r.findings.map(
    (f) =>
      `<tr class="${f.kind}"><td><code>${esc(`${f.file}:${f.line}:${f.column}`)}</code></td><td><code>${esc(f.text)}</code>${f.confidence === 'name' ? ' <small>(by name)</small>' : ''}</td>` +
      `<td><code>${esc(f.legacy)}</code></td><td>${f.kind}</td><td>${f.rtm.map((x) => `<code>${esc(x)}</code>`).join('<br>')}</td><td>${esc(f.difference)}</td><td>${esc(f.reference)}</td></tr>`,
  );
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>sig2rtm scan</title>',
    '<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}',
    ...KINDS.map((k) => `tr.${k} td:nth-child(4){background:${KIND_COLOUR[k]}}`),
    '</style></head><body>',
    '<h1>Legacy Signaling uses</h1>',
    `<p>${esc(summaryLine(r))}</p>`,
    `<ul>${KINDS.map((k) => `<li><b>${k}</b>: ${counts[k]}</li>`).join('')}</ul>`,
    '<table><thead><tr><th>Where</th><th>Code</th><th>Legacy row</th><th>Kind</th><th>RTM API to use</th><th>What changes</th><th>Reference</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
    '<p>Rows and notes from MIGRATION.md (generated from sig2rtm\'s mapping tables).</p>',
    '</body></html>',
  ].join('\n');
}

export function renderReport(r: ScanResult, format: ReportFormat): string {
  return format === 'json' ? json(r) : format === 'html' ? html(r) : text(r);
}

/** The kinds at or above `failOn` in the order direct < adapted < emulated < unsupported. */
export function failingKinds(failOn: MappingKind): MappingKind[] {
  return KINDS.slice(KINDS.indexOf(failOn));
}
