/**
 * sig2rtm inside an app's own server: the full service (store, metrics, logs, health, admin, SDK
 * files) configured by the same schema as `sig2rtm serve`, mounted on a server the app creates.
 *
 *   const rtm = await createSig2rtm({ apps: { [appId]: { certificate } } });
 *   const server = http.createServer((req, res) => rtm.handler(req, res, () => app(req, res)));
 *   rtm.attach(server); // WebSocket upgrades on /rtm
 *   server.listen(8080);
 *
 * In Express: `app.use(rtm.handler)` (or under a prefix), then `rtm.attach(app.listen(8080))`.
 */

import { loadConfig, type ServiceConfig } from './config';
import { mountService, type EmbedOptions, type Sig2rtm } from './service';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends Record<string, unknown> ? DeepPartial<T[K]> : T[K] };

/** The configuration file's options, minus those about listening (the app's server listens). */
export type Sig2rtmOptions = DeepPartial<Omit<ServiceConfig, 'host' | 'port' | 'tlsKey' | 'tlsCert'>>;

/**
 * Makes the service. Options are checked like a configuration file (a wrong shape or an unknown
 * key throws a ConfigError naming it); environment variables are not read.
 */
export async function createSig2rtm(options: Sig2rtmOptions & EmbedOptions = {}): Promise<Sig2rtm> {
  const { path, logDestination, routes, ...config } = options;
  const loaded = loadConfig({ object: config, objectSource: 'createSig2rtm options', env: {}, flags: {} });
  return mountService(loaded, { ...(path === undefined ? {} : { path }), ...(logDestination ? { logDestination } : {}), ...(routes ? { routes } : {}) });
}
