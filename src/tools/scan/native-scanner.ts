/**
 * Finds the legacy native interfaces in C++ and Java sources (legacy-native-interfaces.md): the
 * factories, the IAgoraAPI methods called on an instance, and the ICallBack callbacks an app
 * overrides. Comments and string literals are blanked first (keeping line breaks), so only code
 * counts. Instances are followed by name from their factory (`api = getAgoraSDKInstanceCPP()`,
 * `mApi = AgoraAPIOnlySignal.getInstance(…)`): short method names (login, start, …) count only on
 * them; names specific to the legacy API count on any receiver.
 */

import { NATIVE_FACTORIES } from '../../mapping/flavour-names';
import { CALLBACK_NAMES, INSTANCE_METHODS, callbackRow, finding, isSpecificName, methodRow, type Finding, type SourceLanguage } from './finding';

const nativeFactories: Readonly<Record<string, string>> = NATIVE_FACTORIES;

/** `text` with comments and string/char literals replaced by spaces, line breaks kept. */
export function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function scanNative(file: string, text: string, language: Exclude<SourceLanguage, 'js'>): Finding[] {
  const code = codeOnly(text);
  const lineStarts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const at = (index: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - lineStarts[lo]! + 1 };
  };
  const findings: Finding[] = [];
  const seen = new Set<number>();
  const push = (index: number, text: string, usage: Finding['usage'], ref: ReturnType<typeof methodRow>, confidence: Finding['confidence']) => {
    if (!ref || seen.has(index)) return;
    seen.add(index);
    findings.push(finding({ file, ...at(index), language, usage, text, confidence }, ref));
  };

  // Factories, qualified (`AgoraAPIOnlySignal.getInstance`, `agora_sdk_cpp::getAgoraSDKInstanceCPP`) or bare.
  const instances = new Set<string>();
  for (const [name, row] of Object.entries(nativeFactories)) {
    const [cls, fn] = name.includes('.') ? name.split('.') : [undefined, name];
    const pattern = cls ? `\\b${escape(cls)}\\s*\\.\\s*${escape(fn)}\\s*\\(` : `(?<![\\w.>])(?:\\w+::)*${escape(fn)}\\s*\\(`;
    for (const m of code.matchAll(new RegExp(pattern, 'g'))) {
      push(m.index, m[0].replace(/\s*\($/, ''), 'call', methodRow(row), 'receiver');
      // `x = factory(…)` / `T* x = factory(…)`: x holds an instance.
      const lhs = /([A-Za-z_]\w*)\s*=\s*(?:\([^)]*\)\s*)?$/.exec(code.slice(Math.max(0, m.index - 120), m.index));
      if (lhs?.[1]) instances.add(lhs[1]);
    }
  }
  // Instance methods: `x->name(`, `x.name(`, `this.x.name(`.
  for (const m of code.matchAll(/([A-Za-z_]\w*)\s*(?:->|\.)\s*([A-Za-z_]\w*)\s*\(/g)) {
    const [, receiver, name] = m as unknown as [string, string, string];
    if (!INSTANCE_METHODS.includes(name)) continue;
    const known = instances.has(receiver);
    if (!known && !isSpecificName(name)) continue;
    push(m.index + m[0].indexOf(name, receiver.length), `${receiver}.${name}`, 'call', methodRow(name), known ? 'receiver' : 'name');
  }
  // Callbacks the app defines: `void onLoginSuccess(…)` (C++ override, Java method), `ICallBack::onX(`.
  for (const m of code.matchAll(/\b(?:void|public|protected)\b[^;{}()]*?\b([A-Za-z_]\w*)\s*\(/g)) {
    const name = m[1]!;
    if (CALLBACK_NAMES.includes(name)) push(m.index + m[0].lastIndexOf(name), name, 'callback', callbackRow(name), 'receiver');
  }
  return findings;
}
