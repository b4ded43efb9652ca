/**
 * Web SDK handler properties: they start as '' (the empty string), are read at the moment an event
 * fires (apps often assign them after `login()` returns, or inside another handler), are called
 * only when truthy, and an exception thrown by one is caught and logged, never breaking the SDK.
 */

/** A handler property: a function, or '' while unset. */
export type Handler<A extends unknown[]> = ((...args: A) => void) | '';

export function fireHandler(host: object | undefined, name: string, args: unknown[]): void {
  if (!host) return;
  const h = (host as Record<string, unknown>)[name];
  if (!h || typeof h !== 'function') return;
  try {
    (h as (...a: unknown[]) => void).apply(host, args);
  } catch (err) {
    console.error(`[sig2rtm] exception in ${name}:`, err);
  }
}
