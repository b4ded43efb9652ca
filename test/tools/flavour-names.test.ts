/**
 * The web flavour's names in src/mapping/flavour-names.ts, which the migration tools read, match the
 * web skin's real objects: every method and handler property of Session, Channel and Call, and every
 * method of the Signal instance (setDoLog aside: a logging switch with no row of its own).
 */

import { WEB_HANDLERS, WEB_METHODS } from '../../src/mapping/flavour-names';
import { Call } from '../../src/legacy-api/web/call';
import { Channel } from '../../src/legacy-api/web/channel';
import { Session } from '../../src/legacy-api/web/session';
import type { WebSkin } from '../../src/legacy-api/web/skin';
import { makeSignal } from '../../src/legacy-api/web/signal';

const skin = {} as WebSkin;
const methodsOf = (o: object): string[] =>
  Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((n) => n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(o), n)?.value === 'function').sort();
const handlersOf = (o: object): string[] => Object.keys(o).filter((k) => /^on[A-Z]/.test(k)).sort();

it.each([
  ['Session', new Session(skin, 'a')],
  ['Channel', new Channel(skin, 'c')],
  ['Call', new Call(skin, 'c', 'p', '')],
] as const)('%s: methods and handlers', (name, object) => {
  expect(Object.keys(WEB_METHODS[name]).sort()).toEqual(methodsOf(object));
  expect(Object.keys(WEB_HANDLERS[name]).sort()).toEqual(handlersOf(object));
});

it('Signal: methods', () => {
  const signal = makeSignal(() => { throw new Error('not used'); })('app');
  const methods = Object.keys(signal).filter((k) => typeof (signal as unknown as Record<string, unknown>)[k] === 'function' && k !== 'setDoLog');
  expect(Object.keys(WEB_METHODS.Signal).sort()).toEqual(methods.sort());
});
