/**
 * `sig2rtm scan` on the fixture apps: every marked use found (and nothing else), each with the row
 * of the mapping tables it belongs to; the three report formats; --fail-on as a CI gate.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALLBACKS } from '../../src/mapping/callbacks';
import { METHODS } from '../../src/mapping/methods';
import type { MappingRow } from '../../src/mapping/rows';
import { runCli } from '../../src/service/cli';
import { scan } from '../../src/tools/scan/scan';
import { FIXTURES, foundUses, markedUses, sorted } from './markers';

const rows: Record<string, MappingRow> = { ...METHODS, ...CALLBACKS };

describe.each(['web-app', 'node-app', 'cpp-app', 'java-app'])('scan %s', (app) => {
  it('finds every marked use of the legacy API, and nothing else', async () => {
    const dir = path.join(FIXTURES, app);
    const result = await scan([dir], FIXTURES);
    const marked = markedUses(dir, FIXTURES);
    expect(sorted(foundUses(result.findings))).toEqual(sorted(marked));
    expect(result.findings.length).toBe([...marked.values()].reduce((a, b) => a + b, 0));
  });

  it("reports each use with its mapping row's kind, RTM API and difference", async () => {
    const result = await scan([path.join(FIXTURES, app)], FIXTURES);
    for (const f of result.findings) {
      const row = rows[f.legacy];
      expect(row).toBeDefined();
      expect({ kind: f.kind, rtm: f.rtm, difference: f.difference, reference: f.reference }).toEqual({
        kind: row!.kind, rtm: row!.rtm, difference: row!.difference, reference: row!.reference,
      });
    }
  });
});

describe('scan details', () => {
  it('names the web rows as the tables do and follows objects through handlers', async () => {
    const { findings } = await scan([path.join(FIXTURES, 'web-app', 'app.js')], FIXTURES);
    const at = (text: string) => findings.filter((f) => f.text === text).map((f) => [f.legacy, f.kind, f.confidence]);
    expect(at('Signal')).toEqual([['AgoraAPI.createAgoraSDKInstance', METHODS['AgoraAPI.createAgoraSDKInstance'].kind, 'receiver']]);
    expect(at('signal.login')).toEqual([['login', 'adapted', 'receiver']]);
    expect(at('incoming.channelInviteAccept')).toEqual([['channelInviteAccept', 'adapted', 'receiver']]);
    expect(at('incoming.onInviteEndByPeer')).toEqual([['onInviteEndByPeer', 'emulated', 'receiver']]);
    expect(at('session.logout')).toEqual([['logout', 'adapted', 'receiver']]);
    // A look-alike object of the app's own is not the legacy API.
    expect(findings.filter((f) => f.text.startsWith('socket.'))).toEqual([]);
  });

  it('positions findings of HTML script blocks on the page\'s own lines and columns', async () => {
    const file = path.join(FIXTURES, 'web-app', 'index.html');
    const { findings } = await scan([file], FIXTURES);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(findings.map((f) => f.text).sort()).toEqual(['Signal', 'Signal(window.CHAT_APP_ID).getSDKVersion']);
    for (const f of findings) expect(lines[f.line - 1]!.slice(f.column - 1)).toMatch(/^Signal\(/);
  });

  it('ignores comments and strings in C++ and Java', async () => {
    const { findings } = await scan([path.join(FIXTURES, 'cpp-app'), path.join(FIXTURES, 'java-app')], FIXTURES);
    expect(findings.filter((f) => f.legacy === 'channelLeave')).toEqual([]);
    expect(findings.filter((f) => f.language === 'java' && f.legacy === 'logout')).toEqual([]);
    expect(findings.find((f) => f.text === 'getAgoraSDKInstanceCPP')?.legacy).toBe('AgoraAPI.getInstance');
    expect(findings.find((f) => f.text === 'AgoraAPIOnlySignal.getInstance')?.legacy).toBe('AgoraAPI.getInstance');
  });
});

describe('sig2rtm scan (command line)', () => {
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    let code = 0;
    await runCli(args, { env: {}, stdout: (l) => out.push(l), stderr: (l) => err.push(l), exit: (c) => void (code = c) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
  const node = path.join(FIXTURES, 'node-app');
  const web = path.join(FIXTURES, 'web-app');

  it('prints file:line:column, the name, the kind, the RTM API and the difference', async () => {
    const r = await cli(['scan', node]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`bot.ts:9:13  AgoraAPI.getInstance  [adapted]  → AgoraRTM.createInstance\n    ${METHODS['AgoraAPI.getInstance'].difference}`);
    expect(r.stdout).toMatch(/\n18 legacy use\(s\) in 1 of 1 file\(s\): \d+ direct, \d+ adapted, \d+ emulated, 2 unsupported$/);
  });

  it('writes JSON with a summary by kind', async () => {
    const r = await cli(['scan', '--format', 'json', web]);
    const report = JSON.parse(r.stdout) as { files: string[]; summary: Record<string, number>; findings: { kind: string }[] };
    expect(report.files).toHaveLength(2);
    const total = Object.values(report.summary).reduce((a, b) => a + b, 0);
    expect(total).toBe(report.findings.length);
    expect(report.summary.unsupported).toBe(0);
  });

  it('writes a self-contained HTML report to a file', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-scan-')), 'report.html');
    const r = await cli(['scan', '--format', 'html', '-o', out, node]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    expect(html).toContain('<code>channelInvitePhone</code>');
    expect(html.match(/<tr class=/g)).toHaveLength(18);
  });

  it('--fail-on exits 1 only when a use of that kind or a harder one is found', async () => {
    expect((await cli(['scan', '--fail-on', 'unsupported', node])).code).toBe(1);
    expect((await cli(['scan', '--fail-on', 'unsupported', web])).code).toBe(0);
    expect((await cli(['scan', '--fail-on', 'emulated', web])).code).toBe(1);
    expect((await cli(['scan', '--fail-on', 'sometimes', web])).code).not.toBe(0);
  });

  it('refuses a path that does not exist, with exit code 2', async () => {
    const r = await cli(['scan', path.join(FIXTURES, 'no-such-app')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-app: no such file or directory/);
  });
});

describe('the installed command', () => {
  const ROOT = path.resolve(__dirname, '..', '..');
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('scans with the built package (typescript is a runtime dependency)', () => {
    const report = JSON.parse(node(['bin/sig2rtm.cjs', 'scan', '--format', 'json', path.join(FIXTURES, 'node-app')])) as { findings: unknown[] };
    expect(report.findings).toHaveLength(18);
  });

  it('does not load the TypeScript compiler unless scan or migrate runs', () => {
    const loaded = node(['-e', "require('./dist/cjs/service/cli.js').buildProgram({ env: {}, stdout() {}, stderr() {}, exit() {} }); console.log(Object.keys(require.cache).filter((k) => k.includes('/node_modules/typescript/')).length)"]);
    expect(loaded.trim()).toBe('0');
  });
});

it("passes by a vendored copy of the legacy SDK in a directory, and reads it when named", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sig2rtm-scan-vendored-'));
  fs.mkdirSync(path.join(dir, 'lib'));
  const sdk = path.join(dir, 'lib', 'AgoraSig-1.4.0.js');
  fs.writeFileSync(sdk, 'function Signal(appId) { this.login = function () { var s = {}; s.channelJoin = function () {}; s.messageInstantSend("a", "b"); return s; }; }\n');
  fs.writeFileSync(path.join(dir, 'app.js'), "var session = Signal('x').login('a', 't');\n");
  expect((await scan([dir], dir)).files).toEqual(['app.js']);
  expect((await scan([sdk], dir)).findings.map((f) => f.legacy)).toEqual(['messageInstantSend']);
});
