/**
 * Where a script-tag bundle connects by default: the server that served the script (same origin,
 * path /rtm), so that `<script src="https://rtm.example.com/sdk/AgoraSig.js">` just works.
 * `window.SIG2RTM_SERVER_URL` (set before the client is created) overrides it. Loaded through
 * CommonJS or AMD (the file bundled into an app), the script's address says nothing about the
 * server: then only SIG2RTM_SERVER_URL or a `serverUrl` config key give it.
 */

export function scriptServerUrl(scriptTag: boolean): () => string | undefined {
  const g = globalThis as { SIG2RTM_SERVER_URL?: unknown; document?: { currentScript?: { src?: string } | null }; location?: { href: string } };
  // Read at load time: document.currentScript is only set while the script runs.
  const src = scriptTag ? (g.document?.currentScript?.src ?? g.location?.href) : undefined;
  let fromScript: string | undefined;
  if (src) {
    const u = new URL(src);
    if (u.protocol === 'http:' || u.protocol === 'https:') fromScript = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}/rtm`;
  }
  return () => (typeof g.SIG2RTM_SERVER_URL === 'string' && g.SIG2RTM_SERVER_URL !== '' ? g.SIG2RTM_SERVER_URL : fromScript);
}
