/** `sig2rtm`: everything. The RTM client (default export `AgoraRTM`), the server, and (later) the legacy API. */

export * from './rtm';
export { default } from './rtm';
export * from './server';
export * from './legacy';
