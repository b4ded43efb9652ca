/**
 * `sig2rtm migrate`'s codemod over one script: every use `scan` finds is either rewritten into RTM
 * 1.x Web API code (web flavour, where src/mapping/web-rewrites.ts has its spelling and the
 * receiver is known) or marked with a TODO carrying its row's note. A rewrite of a row that is not
 * `direct` is marked too, since its behaviour differs. Code the scanner does not recognise is left
 * as it is; running the codemod again changes nothing.
 */

import type * as TS from 'typescript';
import { anchorId } from '../../mapping/render-migration';
import { WEB_HANDLERS, WEB_METHODS, type WebObject } from '../../mapping/flavour-names';
import { WEB_CALL_REWRITES, WEB_FACTORY_REWRITE, WEB_HANDLER_REWRITES, WEB_PROPERTY_REWRITES, renderListener, type CallRewrite, type HandlerRewrite } from '../../mapping/web-rewrites';
import type { TypeScript } from '../scan/load-typescript';
import { LegacyModel, findUses, parseScript, type JsUse, type ParsedScript, type ScriptSource } from '../scan/js-scanner';
import { EditList } from './edits';

/** The marker the codemod writes, and recognises so as not to write it twice. */
export const TODO_MARK = 'TODO(sig2rtm)';

export interface MigrationNote {
  line: number;
  legacy: string;
  action: 'rewritten' | 'marked';
}

export interface ScriptMigration {
  text: string;
  notes: MigrationNote[];
  /** Why the script was left as it is (it does not parse). */
  skipped?: string;
}

const callRewrites: Readonly<Record<WebObject, Readonly<Record<string, CallRewrite | undefined>>>> = WEB_CALL_REWRITES;
const handlerRewrites: Readonly<Record<WebObject, Readonly<Record<string, HandlerRewrite | undefined>>>> = WEB_HANDLER_REWRITES;
const webMethodNames: Readonly<Record<WebObject, Readonly<Record<string, unknown>>>> = WEB_METHODS;
const webHandlerNames: Readonly<Record<WebObject, Readonly<Record<string, unknown>>>> = WEB_HANDLERS;

export function todoText(use: Pick<JsUse, 'ref'>): string {
  const { name, table, row } = use.ref;
  const anchor = anchorId(table, name);
  const rtm = row.rtm.filter((r) => r !== '—').join(', ') || 'no RTM counterpart';
  return `${TODO_MARK}: ${name} is ${row.kind} (RTM: ${rtm}). ${row.difference} See MIGRATION.md#${anchor}`;
}

export function migrateScript(ts: TypeScript, source: ScriptSource): ScriptMigration {
  // Code that does not parse is not understood: rewriting what the parser recovered could break it further.
  const syntax = ts.transpileModule(source.text, { fileName: `${source.file.replace(/\.[^./\\]*$/, '')}.${source.scriptKind ?? 'js'}`, reportDiagnostics: true, compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve } }).diagnostics ?? [];
  if (syntax.length > 0) {
    const d = syntax[0]!;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 + (source.lineOffset ?? 0) : undefined;
    return { text: source.text, notes: [], skipped: `syntax error${line === undefined ? '' : ` at line ${line}`}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` };
  }
  const script = parseScript(ts, source);
  const model = new LegacyModel(ts);
  model.learn([script]);
  return new Codemod(ts, model, script).run();
}

class Codemod {
  private readonly sf: TS.SourceFile;
  private readonly text: string;
  private readonly edits: EditList;
  private readonly notes: MigrationNote[] = [];
  /** TODO lines written, by the offset of the line they go above. */
  private readonly todos = new Map<number, Set<string>>();
  private readonly client: string | undefined;

  constructor(
    private readonly ts: TypeScript,
    private readonly model: LegacyModel,
    private readonly script: ParsedScript,
  ) {
    this.sf = script.sf;
    this.text = script.source.text;
    this.edits = new EditList(this.text);
    // Where the app keeps its session: the RtmClient after migration.
    this.client = [...model.kinds].find(([, kind]) => kind === 'Session')?.[0];
  }

  run(): ScriptMigration {
    this.rewriteProperties();
    const uses = findUses(this.ts, this.model, this.script);
    // Calls whose result handlers become part of the call (channelJoin) go last, after the code inside
    // those handlers; the handler assignments they take in are not rewritten on their own.
    const settling = uses.filter((u) => this.settlingHandlers(u).length > 0);
    const taken = new Set(settling.flatMap((u) => this.settlingHandlers(u)));
    // Inner uses first, so an outer rewrite is built from already rewritten code.
    // (A handler's extent is its whole assignment.)
    const extent = (u: JsUse): number => (u.usage === 'callback' && this.ts.isBinaryExpression(u.node.parent) ? u.node.parent : u.node).getWidth(this.sf);
    const order = uses.filter((u) => !settling.includes(u)).sort((a, b) => extent(a) - extent(b));
    for (const use of [...order, ...settling]) {
      const done = taken.has(use.node) || this.rewrite(use);
      if (!done || use.ref.row.kind !== 'direct') this.mark(use);
      this.notes.push({ line: this.sf.getLineAndCharacterOfPosition(use.node.getStart(this.sf)).line + 1, legacy: use.ref.name, action: done ? 'rewritten' : 'marked' });
    }
    return { text: this.edits.result(), notes: this.notes.sort((a, b) => a.line - b.line) };
  }

  // ---- where things are -------------------------------------------------------------------------

  /** The statement (or object/class member) a use belongs to: TODOs go above it. */
  private anchorOf(node: TS.Node): TS.Node {
    const ts = this.ts;
    let n = node;
    while (n.parent && !ts.isSourceFile(n.parent) && !ts.isBlock(n.parent) && !ts.isCaseClause(n.parent) && !ts.isObjectLiteralExpression(n.parent) && !ts.isClassLike(n.parent)) n = n.parent;
    return n;
  }

  private lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }

  /** The comment lines right above the line at `at`. */
  private commentsAbove(at: number): string {
    const lines = this.text.slice(0, at).split('\n');
    lines.pop();
    const out: string[] = [];
    while (lines.length > 0 && /^\s*\/\//.test(lines[lines.length - 1]!)) out.unshift(lines.pop()!);
    return out.join('\n');
  }

  private mark(use: JsUse): void {
    const at = this.lineStart(this.anchorOf(use.node).getStart(this.sf));
    const todo = todoText(use);
    if (this.commentsAbove(at).includes(`${TODO_MARK}: ${use.ref.name} `)) return;
    const set = this.todos.get(at) ?? new Set<string>();
    if (set.has(todo)) return;
    set.add(todo);
    this.todos.set(at, set);
    // Written at once, so that a rewrite around this line takes it in.
    const indent = /^[ \t]*/.exec(this.text.slice(at))?.[0] ?? '';
    this.edits.insert(at, `${indent}// ${todo}\n`);
  }

  private src(node: TS.Node): string {
    return this.edits.textOf(node.getStart(this.sf), node.getEnd());
  }

  /** `target = <call>;` or `var target = <call>;`: the target's text and the statement. */
  private storedIn(call: TS.Node): { target: string; statement: TS.Statement } | undefined {
    const ts = this.ts;
    const p = call.parent;
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === call && ts.isExpressionStatement(p.parent)) {
      return this.model.keyOf(p.left) === undefined ? undefined : { target: p.left.getText(this.sf), statement: p.parent };
    }
    if (ts.isVariableDeclaration(p) && p.initializer === call && ts.isIdentifier(p.name) && ts.isVariableDeclarationList(p.parent) && p.parent.declarations.length === 1 && ts.isVariableStatement(p.parent.parent)) {
      return { target: p.name.text, statement: p.parent.parent };
    }
    return undefined;
  }

  /** `target.<handler> = fn;` statements in the script. */
  private handlerAssignments(target: string, handler: string): TS.BinaryExpression[] {
    const ts = this.ts;
    const out: TS.BinaryExpression[] = [];
    const visit = (n: TS.Node): void => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && n.left.name.text === handler && ts.isExpressionStatement(n.parent)) {
        if (this.model.keyOf(n.left.expression) === target) out.push(n);
      }
      ts.forEachChild(n, visit);
    };
    visit(this.sf);
    return out;
  }

  /** The handler assignments (their `target.handler` nodes) a settling call takes in, if it is one. */
  private settlingHandlers(use: JsUse): TS.Node[] {
    const ts = this.ts;
    const call = use.node;
    if (use.usage !== 'call' || use.confidence !== 'receiver' || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return [];
    if (!use.receiver || !Object.hasOwn(webMethodNames, use.receiver)) return [];
    const settles = callRewrites[use.receiver as WebObject][call.expression.name.text]?.settles;
    const stored = settles && this.storedIn(call);
    if (!settles || !stored) return [];
    const resolved = this.handlerAssignments(stored.target, settles.resolve);
    const rejected = this.handlerAssignments(stored.target, settles.reject);
    return resolved.length === 1 && rejected.length <= 1 ? [...resolved, ...rejected].map((a) => a.left) : [];
  }

  /** Reads of the web objects' own properties (`call.peer`), rewritten first: the uses around them take them in. */
  private rewriteProperties(): void {
    const ts = this.ts;
    const visit = (n: TS.Node): void => {
      ts.forEachChild(n, visit);
      if (!ts.isPropertyAccessExpression(n)) return;
      const p = n.parent;
      const written = ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
      const called = (ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === n;
      const kind = this.model.kindOf(n.expression);
      const rewrite = kind && Object.hasOwn(webMethodNames, kind) ? WEB_PROPERTY_REWRITES[kind as WebObject]?.[n.name.text] : undefined;
      if (!rewrite || written || called) return;
      this.edits.replace(n.getStart(this.sf), n.getEnd(), rewrite(this.src(n.expression)));
      this.notes.push({ line: this.sf.getLineAndCharacterOfPosition(n.getStart(this.sf)).line + 1, legacy: `${kind}.${n.name.text}`, action: 'rewritten' });
    };
    visit(this.sf);
  }

  // ---- rewrites -------------------------------------------------------------------------------

  private rewrite(use: JsUse): boolean {
    if (use.confidence !== 'receiver') return false;
    const ts = this.ts;
    if (use.usage === 'call' && (ts.isCallExpression(use.node) || ts.isNewExpression(use.node))) return this.rewriteCall(use, use.node);
    if (use.usage === 'callback' && ts.isPropertyAccessExpression(use.node) && use.receiver && Object.hasOwn(webHandlerNames, use.receiver)) {
      const rewrite = handlerRewrites[use.receiver as WebObject][use.node.name.text];
      const assignment = use.node.parent;
      if (!rewrite || !ts.isBinaryExpression(assignment) || !ts.isExpressionStatement(assignment.parent)) return false;
      const receiver = this.src(use.node.expression);
      this.edits.replace(assignment.getStart(this.sf), assignment.getEnd(), renderListener(rewrite, receiver, this.src(assignment.right)));
      return true;
    }
    return false;
  }

  private rewriteCall(use: JsUse, call: TS.CallExpression | TS.NewExpression): boolean {
    const ts = this.ts;
    let rewrite: CallRewrite | undefined;
    let receiver = '';
    if (ts.isIdentifier(call.expression) && use.receiver === 'Signal') rewrite = WEB_FACTORY_REWRITE;
    else if (ts.isPropertyAccessExpression(call.expression) && use.receiver && Object.hasOwn(webMethodNames, use.receiver)) {
      rewrite = callRewrites[use.receiver as WebObject][call.expression.name.text];
      receiver = this.src(call.expression.expression);
    }
    if (!rewrite) return false;
    const input = { receiver, args: (call.arguments ?? []).map((a) => this.src(a)), client: this.client };
    const expr = rewrite.expr(input);
    if (expr === undefined) return false;
    if (!rewrite.then) {
      this.edits.replace(call.getStart(this.sf), call.getEnd(), expr);
      return true;
    }
    const stored = this.storedIn(call);
    if (!stored) return false;
    let after: string | undefined = rewrite.then(input, stored.target);
    const settles = rewrite.settles;
    if (settles) {
      const resolved = this.handlerAssignments(stored.target, settles.resolve);
      const rejected = this.handlerAssignments(stored.target, settles.reject);
      if (resolved.length === 1 && rejected.length <= 1) {
        // The join starts where the app sets its result handlers (they are set right after the call).
        const ok = `function () { (${this.src(resolved[0]!.right)})(); }`;
        const failed = rejected[0] ? `function () { (${this.src(rejected[0].right)})(${settles.rejectArgs}); }` : 'function () {}';
        this.edits.replace(resolved[0]!.getStart(this.sf), resolved[0]!.getEnd(), `${settles.start(stored.target)}.then(${ok}, ${failed})`);
        if (rejected[0]) {
          const statement = rejected[0].parent;
          this.edits.replace(this.lineStart(statement.getStart(this.sf)), this.lineEndAfter(statement.getEnd()), '');
        }
        after = undefined;
      }
    }
    this.edits.replace(call.getStart(this.sf), call.getEnd(), expr);
    if (after !== undefined) {
      const start = stored.statement.getStart(this.sf);
      const indent = /^[ \t]*/.exec(this.text.slice(this.lineStart(start)))?.[0] ?? '';
      this.edits.insert(stored.statement.getEnd(), `\n${indent}${after};`);
    }
    return true;
  }

  /** The offset just past the line break that ends the line containing `pos` (or the end). */
  private lineEndAfter(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    return nl < 0 ? this.text.length : nl + 1;
  }
}
