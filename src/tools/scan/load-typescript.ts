/**
 * The TypeScript compiler, loaded on first use: only `sig2rtm scan` and `sig2rtm migrate` need it,
 * so `sig2rtm serve` does not pay for loading it.
 */

import type * as TS from 'typescript';

export type TypeScript = typeof TS;

let loaded: TypeScript | undefined;

export async function loadTypeScript(): Promise<TypeScript> {
  loaded ??= (await import('typescript')).default;
  return loaded;
}
