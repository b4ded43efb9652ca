/**
 * The request target of an HTTP request as a URL, or undefined when it is not one (`//[`,
 * `http://[/`, `//x:99999/`): `new URL` throws on those, and a throw in a route handler must never
 * reach the process. Such a request is answered 400.
 */

import type http from 'node:http';

export function requestTarget(req: http.IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://x');
  } catch {
    return undefined;
  }
}
