/**
 * The HTTP side of the server: `/healthz` (the process answers), `/readyz` (it accepts clients),
 * `/metrics` (Prometheus), and `/admin/*` behind a bearer token: online users, channels with member
 * counts, and kicking a user.
 */

import type http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { RtmCore } from '../rtm-core/server/core';
import type { Metrics } from './metrics';
import { requestTarget } from './request-target';

export interface RouteContext {
  core: () => RtmCore | undefined;
  metrics: Metrics;
  adminToken: string | undefined;
  ready: () => boolean;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function authorized(req: http.IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return false;
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function opsRoutes(ctx: RouteContext): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const url = requestTarget(req);
    if (!url) {
      json(res, 400, { error: 'malformed request target' });
      return true;
    }
    const core = ctx.core();
    switch (url.pathname) {
      case '/healthz':
        json(res, 200, { status: 'ok' });
        return true;
      case '/readyz':
        json(res, ctx.ready() ? 200 : 503, { status: ctx.ready() ? 'ready' : 'not ready' });
        return true;
      case '/metrics':
        ctx.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType }).end(text),
          (err: unknown) => {
            ctx.core()?.options.observer.fault?.('http.metrics', err);
            res.writeHead(500).end('metrics unavailable');
          },
        );
        return true;
    }
    if (!url.pathname.startsWith('/admin/')) return false;
    // The console's page and script hold no data: they are served to anyone when the admin API is
    // on, and read everything with the token the person types in.
    if (ctx.adminToken !== undefined && (url.pathname === '/admin/' || url.pathname === '/admin/console.js')) return false;
    if (ctx.adminToken === undefined) {
      json(res, 404, { error: 'admin API disabled (no --admin-token)' });
      return true;
    }
    if (!authorized(req, ctx.adminToken)) {
      json(res, 401, { error: 'missing or wrong admin token' });
      return true;
    }
    if (!core) {
      json(res, 503, { error: 'not ready' });
      return true;
    }
    const appId = url.searchParams.get('appId') ?? undefined;
    if (url.pathname === '/admin/users' && req.method === 'GET') json(res, 200, { users: core.onlineUsers(appId) });
    else if (url.pathname === '/admin/stats' && req.method === 'GET') {
      ctx.metrics.totals().then(
        (totals) => json(res, 200, { connections: core.connectionCount, users: core.onlineUsers().length, channels: core.channelCounts().length, ...totals }),
        (err: unknown) => {
          core.options.observer.fault?.('http.admin.stats', err);
          json(res, 500, { error: 'stats unavailable' });
        },
      );
    }
    else if (url.pathname === '/admin/channels' && req.method === 'GET') json(res, 200, { channels: core.channelCounts(appId) });
    else if (url.pathname === '/admin/kick' && req.method === 'POST') {
      const uid = url.searchParams.get('uid');
      if (appId === undefined || uid === null) json(res, 400, { error: 'appId and uid are required' });
      else {
        core.kick(appId, uid).then(
          (kicked) => json(res, kicked ? 200 : 404, { kicked }),
          (err: unknown) => {
            core.options.observer.fault?.('http.admin.kick', err, { appId, uid });
            json(res, 500, { error: 'kick failed' });
          },
        );
      }
    } else json(res, 404, { error: 'unknown admin route' });
    return true;
  };
}
