/**
 * Where a browser bundle connects by default: the server that served the script (same origin,
 * path /rtm), so that `<script src="https://rtm.example.com/sdk/AgoraSig.js">` just works.
 * `window.SIG2RTM_SERVER_URL` (set before the script loads) overrides it.
 */

export function scriptServerUrl(): () => string | undefined {
  const g = globalThis as { SIG2RTM_SERVER_URL?: unknown; document?: { currentScript?: { src?: string } | null }; location?: { href: string } };
  // Read at load time: document.currentScript is only set while the script runs.
  const src = g.document?.currentScript?.src ?? g.location?.href;
  let fromScript: string | undefined;
  if (src) {
    const u = new URL(src);
    if (u.protocol === 'http:' || u.protocol === 'https:') fromScript = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}/rtm`;
  }
  return () => (typeof g.SIG2RTM_SERVER_URL === 'string' ? g.SIG2RTM_SERVER_URL : fromScript);
}

/** Browser bundles have no embedded core: a client without a server address cannot connect. */
export function noEmbeddedCore(): never {
  throw new Error('sig2rtm: no server address (set SIG2RTM_SERVER_URL or pass serverUrl)');
}
