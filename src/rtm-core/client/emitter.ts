/**
 * The SDK's emitters: Node-style EventEmitters (`on`, `once`, `off`, `removeAllListeners`,
 * `listeners`, `rawListeners`, `listenerCount`) typed by an event map the way agora-rtm-sdk 1.5.1
 * types them, so that our classes are assignable to the official ones. The work is done by an
 * eventemitter3 instance. `emit` is protected: only the library raises library events.
 */

import { EventEmitter } from 'eventemitter3';

/** A listener's argument list for an event-map entry (the SDK's own definition). */
export type ListenerType<T> = [T] extends [(...args: infer U) => unknown] ? U : [T] extends [void] ? [] : [T];

type AnyListener = (...args: never[]) => unknown;
type EventMap<E> = { [K in keyof E]: AnyListener };
type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/**
 * One overload per event: `(event: 'A', listener: ListenerOfA) => R` & `(event: 'B', ...) => R` ….
 * Overloads (not one generic signature) are what TypeScript can relate to the SDK's own generic
 * `on<E extends keyof Events>`, since our event map and the SDK's are different declarations.
 */
export type Subscribe<E, R> = UnionToIntersection<{ [K in keyof E]: (event: K, listener: E[K]) => R }[keyof E]>;

export class SdkEmitter<Events extends EventMap<Events>> {
  /** Node's default; informational (eventemitter3 has no listener cap). */
  static defaultMaxListeners = 10;
  private readonly ee = new EventEmitter();

  /** Adds a listener. */
  declare on: Subscribe<Events, this>;
  /** Alias of `on`. */
  declare addListener: Subscribe<Events, this>;
  /** Adds a listener that is removed after its first call. */
  declare once: Subscribe<Events, this>;

  off<K extends keyof Events>(event: K, listener?: AnyListener): this {
    this.ee.off(event as string, listener as ((...args: unknown[]) => void) | undefined);
    return this;
  }

  removeListener<K extends keyof Events>(event: K, listener?: AnyListener): this {
    return this.off(event, listener);
  }

  removeAllListeners<K extends keyof Events>(event?: K): this {
    this.ee.removeAllListeners(event as string | undefined);
    return this;
  }

  listeners<K extends keyof Events>(event: K): AnyListener[] {
    return this.ee.listeners(event as string) as AnyListener[];
  }

  /** Same as `listeners` (there are no once-wrappers to expose). */
  rawListeners<K extends keyof Events>(event: K): AnyListener[] {
    return this.listeners(event);
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.ee.listenerCount(event as string);
  }

  eventNames(): (keyof Events)[] {
    return this.ee.eventNames() as (keyof Events)[];
  }

  /** Raises an event. Listener exceptions propagate to the caller, as with Node's emitter. */
  protected emit<K extends keyof Events>(event: K, ...args: ListenerType<Events[K]>): boolean {
    return this.ee.emit(event as string, ...args);
  }

  /** @internal */
  static {
    type Self = { ee: EventEmitter };
    const proto = SdkEmitter.prototype as unknown as Record<'on' | 'addListener' | 'once', unknown>;
    proto.on = function on(this: Self, event: string, listener: (...args: unknown[]) => void) {
      this.ee.on(event, listener);
      return this;
    };
    proto.addListener = proto.on;
    proto.once = function once(this: Self, event: string, listener: (...args: unknown[]) => void) {
      this.ee.once(event, listener);
      return this;
    };
  }
}
