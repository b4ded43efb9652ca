/**
 * MIGRATION.md's chapter on the migration tools (`sig2rtm scan`, `sig2rtm migrate`), rendered from
 * the tables they read: flavour-names.ts (what they look for) and web-rewrites.ts (what the codemod
 * writes), with each row's kind from methods.ts / callbacks.ts. Pure, like render-migration.ts.
 */

import { CALLBACKS } from './callbacks';
import { WEB_FACTORY, WEB_HANDLERS, WEB_METHODS, type WebHandler, type WebMethod, type WebObject } from './flavour-names';
import { METHODS } from './methods';
import type { MappingRow } from './rows';
import { WEB_CALL_REWRITES, WEB_FACTORY_REWRITE, WEB_HANDLER_REWRITES, WEB_PROPERTY_REWRITES, renderListener, type CallRewrite, type HandlerRewrite } from './web-rewrites';

/** How the app's variables are called in the examples. */
const VARIABLE: Readonly<Record<WebObject, string>> = { Signal: 'signal', Session: 'session', Channel: 'channel', Call: 'call' };
const methods: Readonly<Record<string, MappingRow>> = METHODS;
const callbacks: Readonly<Record<string, MappingRow>> = CALLBACKS;
const webMethods: Readonly<Record<WebObject, Readonly<Record<string, WebMethod>>>> = WEB_METHODS;
const webHandlers: Readonly<Record<WebObject, Readonly<Record<string, WebHandler>>>> = WEB_HANDLERS;
const callRewrites: Readonly<Record<WebObject, Readonly<Record<string, CallRewrite | undefined>>>> = WEB_CALL_REWRITES;
const handlerRewrites: Readonly<Record<WebObject, Readonly<Record<string, HandlerRewrite | undefined>>>> = WEB_HANDLER_REWRITES;

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

/** The code the codemod writes for `target = receiver.method(params…)` (or the bare call). */
function written(rewrite: CallRewrite, receiver: string, method: WebMethod): string {
  const input = { receiver, args: method.params, client: VARIABLE.Session };
  const expr = rewrite.expr(input) ?? '';
  const target = method.returns ? VARIABLE[method.returns] : undefined;
  if (rewrite.settles && target) {
    const s = rewrite.settles;
    return `${code(`${target} = ${expr}`)}; then, where the app sets ${code(`${target}.${s.resolve}`)} / ${code(`${target}.${s.reject}`)}: ${code(`${s.start(target)}.then(…)`)}`;
  }
  if (rewrite.then && target) return `${code(`${target} = ${expr}; ${rewrite.then(input, target)};`)}`;
  return code(expr);
}

export function toolsChapter(heading: string, rowLink: (name: string, withKind?: boolean) => string): string {
  const calls: string[][] = [[code(`${WEB_FACTORY.name}(${WEB_FACTORY.params.join(', ')})`), rowLink(WEB_FACTORY.row, true), code(WEB_FACTORY_REWRITE.expr({ receiver: '', args: WEB_FACTORY.params }) ?? '')]];
  const marked: string[] = [];
  for (const [object, names] of Object.entries(webMethods) as [WebObject, Readonly<Record<string, WebMethod>>][]) {
    for (const [name, method] of Object.entries(names)) {
      const legacy = `${VARIABLE[object]}.${name}(${method.params.join(', ')})`;
      const rewrite = callRewrites[object][name];
      if (rewrite) calls.push([code(legacy), rowLink(method.row, true), written(rewrite, VARIABLE[object], method)]);
      else marked.push(`${code(legacy)} (${rowLink(method.row, true)})`);
    }
  }
  const handlers: string[][] = [];
  for (const [object, names] of Object.entries(webHandlers) as [WebObject, Readonly<Record<string, WebHandler>>][]) {
    for (const [name, handler] of Object.entries(names)) {
      const legacy = `${VARIABLE[object]}.${name} = fn`;
      const rewrite = handlerRewrites[object][name];
      if (rewrite) handlers.push([code(legacy), rowLink(handler.row, true), code(renderListener(rewrite, VARIABLE[object], 'fn'))]);
      else if (!Object.values(callRewrites).some((r) => Object.values(r).some((c) => c?.settles?.resolve === name || c?.settles?.reject === name))) {
        marked.push(`${code(legacy)} (${rowLink(handler.row, true)})`);
      }
    }
  }
  const properties = (Object.entries(WEB_PROPERTY_REWRITES) as [WebObject, Readonly<Record<string, (r: string) => string>>][]).flatMap(([object, props]) =>
    Object.entries(props).map(([name, to]) => `${code(`${VARIABLE[object]}.${name}`)} → ${code(to(VARIABLE[object]))}`),
  );
  const head = ['Legacy web code', 'Row', 'RTM 1.x code `sig2rtm migrate` writes'];
  const table = (rows: string[][]) => [`| ${head.join(' | ')} |`, '|---|---|---|', ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)];
  const rowCount = Object.keys(methods).length + Object.keys(callbacks).length;
  return [
    `## ${heading}`,
    '',
    'Two commands apply this guide to an app: `sig2rtm scan` finds every legacy call and says what it becomes; `sig2rtm migrate`',
    'rewrites the web-flavour code that has an RTM 1.x spelling and marks the rest. Both read the tables this guide is made from',
    `(the ${rowCount} method and callback rows, and the flavours' names in \`src/mapping/flavour-names.ts\`).`,
    '',
    '### `sig2rtm scan <paths...>`',
    '',
    '```sh',
    'npx sig2rtm scan src/ public/index.html             # text: file:line:column, name, kind, RTM API, what changes',
    'npx sig2rtm scan --format json src/ > legacy.json   # for tools: {files, summary by kind, findings}',
    'npx sig2rtm scan --format html -o legacy.html src/  # one self-contained page for people',
    'npx sig2rtm scan --fail-on unsupported src/         # CI: exit code 1 if a use of that kind (or harder) is left',
    '```',
    '',
    '- JavaScript and TypeScript (`.js .mjs .cjs .jsx .ts .mts .cts .tsx`) and the inline `<script>` blocks of HTML pages are read with the',
    '  TypeScript parser. Found: `Signal(…)`, the methods of Signal, Session, Channel and Call, handler assignments',
    '  (`session.onMessageInstantReceive = …`), the native flavour (`AgoraAPI.getInstance`, the `AgoraAPI` methods) and callback',
    '  objects (given to `callbackSet`, typed `ICallBack`, or classes extending `AgoraAPI.CallBack`).',
    '- Legacy objects are followed through variables and properties (`var session = signal.login(…)`, `this.channel = …`,',
    '  the `call` given to `onInviteReceived`). A receiver the scanner cannot follow counts when the method name is specific to',
    '  the legacy API (longer than 9 characters, such as `messageInstantSend`); the report says "(by name)". Short names (`login`,',
    '  `logout`, `invoke`, `onError`, …) count only on a followed object, so look-alike objects of the app are not reported.',
    '- C++ (`.cpp .cc .cxx .h .hpp .hh`) and Java: the factories (`getAgoraSDKInstanceCPP()`, `AgoraAPIOnlySignal.getInstance(…)`, …),',
    '  the `IAgoraAPI` methods and the `ICallBack` callbacks an app overrides; comments and strings are ignored.',
    '- `node_modules`, `dist`, `build` and dot-directories are skipped, and so are `.d.ts` files and vendored copies of the legacy',
    '  SDK (`AgoraSig*.js`) found in a directory (named on the command line, they are read).',
    '- `--fail-on <kind>` orders the kinds direct < adapted < emulated < unsupported: `--fail-on emulated` fails on emulated and',
    '  unsupported uses. A path that does not exist is an error (exit code 2).',
    '',
    '### `sig2rtm migrate <paths...>`',
    '',
    '```sh',
    'npx sig2rtm migrate src/ public/           # a unified diff; nothing is changed',
    'npx sig2rtm migrate --write src/ public/   # change the files',
    '```',
    '',
    '- Web-flavour calls and handler assignments are rewritten into RTM 1.x Web API code (`agora-rtm-sdk` 1.5.1, global',
    '  `AgoraRTM`) when the table below has their RTM spelling and the object is one the codemod can follow. Signal and Session',
    '  become the `RtmClient` (the session is the client), a Channel an `RtmChannel`, a Call a `LocalInvitation` (caller) or',
    '  `RemoteInvitation` (callee). The handler functions are kept as written and called with the legacy arguments.',
    '- Every other use (and every use in the native flavour, C++ and Java are never changed) gets a comment above it:',
    '  `// TODO(sig2rtm): <row> is <kind> (RTM: <RTM API>). <what changes> See MIGRATION.md#<row>`. So does every rewrite',
    '  of a row that is not `direct`, because its behaviour differs (for example: RTM does not echo a channel message to its',
    '  sender).',
    '- Code the codemod does not recognise is left as it is, and running it again changes nothing (rewritten code is RTM',
    '  code, and a use that already has its TODO is not marked again).',
    '- The page must then load the RTM SDK (`/sdk/agora-rtm-sdk.js` from `sig2rtm serve`, or `agora-rtm-sdk`) instead of',
    '  `AgoraSig.js`: the codemod puts a `<!-- TODO(sig2rtm): … -->` note above each `<script src="…AgoraSig….js">` of a page.',
    '',
    'Calls:',
    '',
    ...table(calls),
    '',
    'Handlers (each becomes an `on(…)` listener):',
    '',
    ...table(handlers),
    '',
    `Properties the app reads: ${properties.join(', ')}.`,
    '',
    `Marked only (no RTM spelling that keeps the flow): ${marked.join(', ')}.`,
  ].join('\n');
}
