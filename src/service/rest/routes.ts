/**
 * The REST API's HTTP side: the OpenAPI document at /dev/v2/openapi.json, and for every route of
 * the table: HTTP Basic authentication against the app's own credential (never a client token),
 * the per-app message rate, the body read with a cap and checked by the route's schema, and the
 * answer in Agora's envelope ({result, request_id, ...}). Every failure is a typed JSON answer.
 */

import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { RtmCore } from '../../rtm-core/server/core';
import type { AppEntry } from '../config';
import { requestTarget } from '../request-target';
import { REST_ROUTES, RestError, requestId, type RestRoute } from './api';
import { readJson } from './body';
import { openApiDocument } from './openapi';

export const OPENAPI_PATH = '/dev/v2/openapi.json';
const PREFIX = '/dev/v2/project/';
/** Agora's limit: peer and channel messages together, per app and second. */
export const MESSAGES_PER_SECOND = 500;

export interface RestOptions {
  core: () => RtmCore;
  apps: Record<string, AppEntry>;
  version: string;
  now?: () => number;
}

function send(res: http.ServerResponse, status: number, body: Record<string, unknown>, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function credentialMatches(header: string | undefined, rest: AppEntry['rest']): boolean {
  if (!rest || !header?.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6).trim(), 'base64').toString('utf8'));
  const wanted = Buffer.from(`${rest.customerId}:${rest.customerSecret}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The route and its path parameters, or why there is none. */
function match(method: string, segments: string[]): { route: RestRoute; params: Record<string, string> } | 'no-route' | 'no-method' {
  let pathFound = false;
  for (const route of REST_ROUTES) {
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (!pattern.every((p, i) => (p.startsWith('{') ? ((params[p.slice(1, -1)] = segments[i] as string), true) : p === segments[i]))) continue;
    pathFound = true;
    if (route.method === method) return { route, params };
  }
  return pathFound ? 'no-method' : 'no-route';
}

export function restRoutes(options: RestOptions): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { second: number; count: number }>();
  let openapi: string | undefined;
  return (req, res) => {
    const target = requestTarget(req);
    if (!target) return false;
    if (target.pathname === OPENAPI_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      openapi ??= JSON.stringify(openApiDocument(options.version), null, 2);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : openapi);
      return true;
    }
    if (!target.pathname.startsWith(PREFIX)) return false;
    const rid = requestId();
    const failed = (status: number, code: string, message: string, headers?: http.OutgoingHttpHeaders) => send(res, status, { result: 'failed', request_id: rid, code, message }, headers);
    let segments: string[];
    try {
      segments = target.pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);
    } catch {
      failed(400, 'invalid_path', 'path is not valid percent-encoding');
      return true;
    }
    const [appId = '', ...rest] = segments;
    const app = Object.hasOwn(options.apps, appId) ? options.apps[appId] : undefined;
    // The same answer for an unknown app and a wrong credential: the API does not say which apps exist.
    if (!credentialMatches(req.headers.authorization, app?.rest)) {
      failed(401, 'unauthorized', 'HTTP Basic customerId:customerSecret of this app required', { 'www-authenticate': 'Basic realm="sig2rtm"' });
      return true;
    }
    const found = match(req.method ?? 'GET', rest);
    if (found === 'no-route') {
      failed(404, 'not_found', `no such API: ${req.method ?? ''} ${target.pathname}`);
      return true;
    }
    if (found === 'no-method') {
      failed(405, 'method_not_allowed', `${req.method ?? ''} is not allowed here`);
      return true;
    }
    const { route, params } = found;
    if (route.message) {
      const second = Math.floor(now() / 1000);
      const w = windows.get(appId);
      if (w?.second === second && w.count >= MESSAGES_PER_SECOND) {
        failed(429, 'too_many_requests', `at most ${MESSAGES_PER_SECOND} messages per second per app`, { 'retry-after': '1' });
        return true;
      }
      if (w?.second === second) w.count++;
      else windows.set(appId, { second, count: 1 });
    }
    const core = options.core();
    const maxBody = core.options.limits.messageBytes * 2 + 64 * 1024;
    void (async () => {
      const body = route.body ? await readJson(req, maxBody) : ({ ok: true, value: undefined } as const);
      if (!body.ok) return failed(body.status, body.status === 413 ? 'body_too_large' : 'invalid_json', body.message);
      const checkedBody = route.body?.safeParse(body.value);
      if (checkedBody && !checkedBody.success) {
        const issue = checkedBody.error.issues[0];
        return failed(400, 'invalid_request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
      }
      const checkedQuery = route.query?.safeParse(Object.fromEntries(target.searchParams));
      if (checkedQuery && !checkedQuery.success) {
        const issue = checkedQuery.error.issues[0];
        return failed(400, 'invalid_request', `${issue?.path.join('.') ?? 'query'}: ${issue?.message ?? 'invalid'}`);
      }
      const out = await route.run({ core, appId, params, query: target.searchParams, body: checkedBody?.data });
      // A route may leave `result` out by answering `result: undefined` (Agora's message_offline).
      send(res, 200, { result: 'success', request_id: rid, ...out });
    })().catch((err: unknown) => {
      if (err instanceof RestError) return failed(err.status, err.code, err.message);
      core.options.observer.fault?.('rest', err, { route: route.operationId, appId });
      if (!res.headersSent) failed(500, 'internal_error', 'internal error');
    });
    return true;
  };
}
