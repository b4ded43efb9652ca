/**
 * Finds the legacy API in JavaScript and TypeScript with the TypeScript parser: calls of the web
 * flavour (Signal → Session → Channel → Call) and of the native flavour (AgoraAPI), handler
 * assignments (`session.onLoginSuccess = …`), and callback objects (`api.callbackSet({ … })`,
 * classes extending `AgoraAPI.CallBack`). Legacy objects are followed through variables and
 * properties by name (`var session = signal.login(…)`, `this.channel = session.channelJoin(…)`),
 * which is how apps hold them; a receiver the scanner cannot follow is matched on the method's name
 * when that name is specific to the legacy API.
 */

import type * as TS from 'typescript';
import { NATIVE_FACTORIES, WEB_FACTORY, WEB_HANDLERS, WEB_METHODS, type WebHandler, type WebMethod, type WebObject } from '../../mapping/flavour-names';
import { CALLBACK_NAMES, INSTANCE_METHODS, callbackRow, finding, isSpecificName, methodRow, type Finding, type RowRef } from './finding';
import type { TypeScript } from './load-typescript';

/** What a name refers to: a web object, a native instance, or an object of native callbacks. */
export type LegacyKind = WebObject | 'AgoraAPI' | 'CallBack';

/** Names known to hold legacy objects, shared by the script blocks of one page. */
export type KindMap = Map<string, LegacyKind>;

const webMethods: Readonly<Record<WebObject, Readonly<Record<string, WebMethod>>>> = WEB_METHODS;
const webHandlers: Readonly<Record<WebObject, Readonly<Record<string, WebHandler>>>> = WEB_HANDLERS;
const nativeFactories: Readonly<Record<string, string>> = NATIVE_FACTORIES;
const isWebObject = (k: LegacyKind | undefined): k is WebObject => k !== undefined && Object.hasOwn(webMethods, k);

/** The web method of that name on any object (for receivers the scanner cannot follow). */
function anyWebMethod(name: string): WebMethod | undefined {
  for (const methods of Object.values(webMethods)) if (Object.hasOwn(methods, name)) return methods[name];
  return undefined;
}

export interface ScriptSource {
  file: string;
  text: string;
  /** Lines before the script in its file (an HTML script block). */
  lineOffset?: number;
  /** Columns before the script's first line. */
  columnOffset?: number;
  scriptKind?: 'js' | 'jsx' | 'ts' | 'tsx';
}

export interface ParsedScript {
  source: ScriptSource;
  sf: TS.SourceFile;
}

export function parseScript(ts: TypeScript, source: ScriptSource): ParsedScript {
  const kinds = { js: ts.ScriptKind.JS, jsx: ts.ScriptKind.JSX, ts: ts.ScriptKind.TS, tsx: ts.ScriptKind.TSX };
  const sf = ts.createSourceFile(source.file, source.text, ts.ScriptTarget.Latest, true, kinds[source.scriptKind ?? 'js']);
  return { source, sf };
}

/** The analysis of one program (a script, or the script blocks of a page), shared with `migrate`. */
export class LegacyModel {
  readonly kinds: KindMap = new Map();

  constructor(private readonly ts: TypeScript) {}

  /** A stable name for an expression that can hold an object: `session`, `this.session`, `app.call`. */
  keyOf(e: TS.Expression): string | undefined {
    const ts = this.ts;
    if (ts.isIdentifier(e)) return e.text;
    if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
    if (ts.isPropertyAccessExpression(e)) {
      const base = this.keyOf(e.expression);
      return base === undefined ? undefined : `${base}.${e.name.text}`;
    }
    return undefined;
  }

  private unwrap(e: TS.Expression): TS.Expression {
    const ts = this.ts;
    while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    return e;
  }

  /** The native factory `callee` names, if it is one (`AgoraAPI.getInstance`). */
  factoryOf(callee: TS.Expression): RowRef | undefined {
    const ts = this.ts;
    const text = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? `${callee.expression.text}.${callee.name.text}` : undefined;
    return text !== undefined && Object.hasOwn(nativeFactories, text) ? methodRow(nativeFactories[text]!) : undefined;
  }

  isWebFactory(callee: TS.Expression): boolean {
    return this.ts.isIdentifier(callee) && callee.text === WEB_FACTORY.name;
  }

  kindOf(expr: TS.Expression): LegacyKind | undefined {
    const ts = this.ts;
    const e = this.unwrap(expr);
    const key = this.keyOf(e);
    if (key !== undefined) return this.kinds.get(key);
    if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
      const callee = e.expression;
      if (this.isWebFactory(callee)) return WEB_FACTORY.returns;
      if (this.factoryOf(callee)) return 'AgoraAPI';
      if (ts.isPropertyAccessExpression(callee)) {
        if (ts.isNewExpression(e) && /CallBack$/.test(callee.name.text)) return 'CallBack';
        const receiver = this.kindOf(callee.expression);
        if (isWebObject(receiver)) return webMethods[receiver][callee.name.text]?.returns;
      }
    }
    return undefined;
  }

  private remember(target: TS.Expression | TS.BindingName, value: TS.Expression | undefined): void {
    if (!value) return;
    const key = this.ts.isIdentifier(target) ? target.text : this.ts.isPropertyAccessExpression(target) ? this.keyOf(target) : undefined;
    const kind = this.kindOf(value);
    if (key !== undefined && kind !== undefined) this.kinds.set(key, kind);
  }

  /** The handler row of `receiver.name`, if `receiver` is a web object that has it. */
  webHandler(receiver: TS.Expression, name: string): WebHandler | undefined {
    const kind = this.kindOf(receiver);
    return isWebObject(kind) ? webHandlers[kind][name] : undefined;
  }

  /** Follows legacy objects through assignments until nothing new is learnt. */
  learn(files: readonly ParsedScript[]): void {
    const ts = this.ts;
    for (let size = -1; size !== this.kinds.size; ) {
      size = this.kinds.size;
      const visit = (node: TS.Node): void => {
        if (ts.isVariableDeclaration(node)) {
          this.remember(node.name, node.initializer);
          if (node.type && /ICallBack/.test(node.type.getText()) && ts.isIdentifier(node.name)) this.kinds.set(node.name.text, 'CallBack');
        } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
          this.remember(node.left, node.right);
          // `session.onInviteReceived = function (call) { … }`: the argument is a legacy object too.
          if (ts.isPropertyAccessExpression(node.left)) {
            const handler = this.webHandler(node.left.expression, node.left.name.text);
            const fn = this.unwrap(node.right);
            if (handler?.argument && (ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) {
              const p = fn.parameters[0]?.name;
              if (p && ts.isIdentifier(p)) this.kinds.set(p.text, handler.argument);
            }
          }
        } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'callbackSet') {
          const arg = node.arguments[0];
          const key = arg && this.keyOf(this.unwrap(arg));
          if (key !== undefined) this.kinds.set(key, 'CallBack');
        }
        ts.forEachChild(node, visit);
      };
      for (const f of files) visit(f.sf);
    }
  }
}

/** One legacy use found in a parsed script. */
export interface JsUse {
  node: TS.Node;
  usage: Finding['usage'];
  text: string;
  ref: RowRef;
  confidence: Finding['confidence'];
  /** For calls: the web object or native instance it is called on, when known. */
  receiver?: LegacyKind;
}

/** Every legacy use in `script`, in source order. */
export function findUses(ts: TypeScript, model: LegacyModel, script: ParsedScript): JsUse[] {
  const uses: JsUse[] = [];
  const add = (node: TS.Node, usage: JsUse['usage'], text: string, ref: RowRef | undefined, confidence: JsUse['confidence'], receiver?: LegacyKind) => {
    if (ref) uses.push({ node, usage, text, ref, confidence, receiver });
  };
  const callbackOwner = (literal: TS.ObjectLiteralExpression): boolean => {
    const parent = literal.parent;
    if (ts.isCallExpression(parent) && ts.isPropertyAccessExpression(parent.expression) && parent.expression.name.text === 'callbackSet') return true;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return model.kinds.get(parent.name.text) === 'CallBack';
    return false;
  };
  const memberName = (name: TS.PropertyName): string | undefined => (ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined);

  const visit = (node: TS.Node): void => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.expression) {
      const callee = node.expression;
      const factory = model.factoryOf(callee);
      if (model.isWebFactory(callee)) add(node, 'call', WEB_FACTORY.name, methodRow(WEB_FACTORY.row), 'receiver', 'Signal');
      else if (factory) add(node, 'call', callee.getText(script.sf), factory, 'receiver', 'AgoraAPI');
      else if (ts.isPropertyAccessExpression(callee)) {
        const name = callee.name.text;
        const receiver = model.kindOf(callee.expression);
        const text = callee.getText(script.sf);
        if (isWebObject(receiver)) add(node, 'call', text, webMethods[receiver][name] && methodRow(webMethods[receiver][name].row), 'receiver', receiver);
        else if (receiver === 'AgoraAPI') add(node, 'call', text, INSTANCE_METHODS.includes(name) ? methodRow(name) : undefined, 'receiver', receiver);
        else if (receiver === undefined && isSpecificName(name)) {
          const web = anyWebMethod(name);
          add(node, 'call', text, web ? methodRow(web.row) : INSTANCE_METHODS.includes(name) ? methodRow(name) : undefined, 'name');
        }
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
      const name = node.left.name.text;
      const receiver = model.kindOf(node.left.expression);
      const text = node.left.getText(script.sf);
      const handler = model.webHandler(node.left.expression, name);
      if (handler) add(node.left, 'callback', text, callbackRow(handler.row), 'receiver', receiver);
      else if (receiver === 'CallBack') add(node.left, 'callback', text, callbackRow(name), 'receiver', receiver);
      else if (receiver === undefined && isSpecificName(name)) add(node.left, 'callback', text, callbackRow(name), 'name');
    } else if (ts.isObjectLiteralExpression(node)) {
      const owned = callbackOwner(node);
      for (const p of node.properties) {
        const name = p.name && memberName(p.name);
        if (name === undefined || !CALLBACK_NAMES.includes(name)) continue;
        if (owned || isSpecificName(name)) add(p, 'callback', name, callbackRow(name), owned ? 'receiver' : 'name', owned ? 'CallBack' : undefined);
      }
    } else if (ts.isClassLike(node)) {
      const owned = (node.heritageClauses ?? []).some((h) => /CallBack/.test(h.getText(script.sf)));
      for (const m of node.members) {
        const name = m.name && memberName(m.name);
        if (name === undefined || !CALLBACK_NAMES.includes(name)) continue;
        if (owned || isSpecificName(name)) add(m, 'callback', name, callbackRow(name), owned ? 'receiver' : 'name', owned ? 'CallBack' : undefined);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(script.sf);
  return uses;
}

/** The findings of `findUses`, positioned in the script's file. */
export function scanScripts(ts: TypeScript, sources: readonly ScriptSource[]): Finding[] {
  const scripts = sources.map((s) => parseScript(ts, s));
  const model = new LegacyModel(ts);
  model.learn(scripts);
  return scripts.flatMap((script) =>
    findUses(ts, model, script).map((use) => {
      const pos = script.sf.getLineAndCharacterOfPosition(use.node.getStart(script.sf));
      const { lineOffset = 0, columnOffset = 0 } = script.source;
      return finding(
        {
          file: script.source.file,
          line: pos.line + 1 + lineOffset,
          column: pos.character + 1 + (pos.line === 0 ? columnOffset : 0),
          language: 'js',
          usage: use.usage,
          text: use.text,
          confidence: use.confidence,
        },
        use.ref,
      );
    }),
  );
}
