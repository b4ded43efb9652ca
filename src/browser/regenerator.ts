/**
 * The official agora-rtm-sdk bundle leaves `regeneratorRuntime` on the global object, and apps
 * compiled with Babel's regenerator transform use it without shipping it (the official RTM web
 * tutorial does). Every browser build defines it when it is absent (esbuild `inject`).
 */

const g = globalThis as { regeneratorRuntime?: unknown };
if (g.regeneratorRuntime === undefined) {
  // Required only here, so that an app's own runtime is never replaced.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  g.regeneratorRuntime = require('regenerator-runtime') as unknown;
}
