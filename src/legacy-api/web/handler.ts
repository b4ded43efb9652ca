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

/**
 * Makes every method of a web class (Session, Channel, Call) run inside its skin's `holdDuring`, so
 * that no callback reaches the app before the call that raised it has returned. Applied to the
 * whole prototype, so methods added later are covered without a line of their own.
 */
export function deliverAfterReturn(cls: { prototype: object }, skinOf: (self: never) => { holdDuring<T>(run: () => T): T }): void {
  const proto = cls.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (name === 'constructor' || !desc || typeof desc.value !== 'function') continue;
    const method = desc.value as (...a: unknown[]) => unknown;
    Object.defineProperty(proto, name, {
      ...desc,
      value: function (this: never, ...args: unknown[]): unknown {
        return skinOf(this).holdDuring(() => method.apply(this, args));
      },
    });
  }
}
