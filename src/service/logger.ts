/**
 * Structured logs (pino): one JSON line per event, each tagged with the connection id (`conn`) it
 * concerns, fed by the core's observer hooks.
 */

import pino from 'pino';
import pretty from 'pino-pretty';
import type { CoreObserver } from '../rtm-core/server/observer';
import type { LogFormat, LogLevel } from './config';

export type Logger = pino.Logger;

/** JSON lines (the default), or pino-pretty's coloured lines for people (`--log-format pretty`). */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const out = format === 'pretty' ? pretty({ destination: destination ?? 1, sync: true, colorize: destination === undefined && process.stdout.isTTY }) : destination;
  return pino({ name: 'sig2rtm', level }, out);
}

export function loggingObserver(log: Logger): CoreObserver {
  return {
    connectionOpened: (conn) => log.debug({ conn }, 'connection opened'),
    connectionClosed: (conn) => log.debug({ conn }, 'connection closed'),
    login: (result, appId, uid, conn) => {
      if (result === 'ok' || result === 'resumed') log.info({ conn, appId, uid, result }, 'login');
      else log.warn({ conn, appId, uid, code: result }, 'login refused');
    },
    tokenRejected: (appId, uid, reason, detail, conn) => log.warn({ conn, appId, uid, reason, detail }, 'token refused'),
    invalid: (kind, conn, detail) => log.warn({ conn, kind, detail }, 'invalid input'),
    rateLimited: (type) => log.debug({ type }, 'rate limited'),
    sessionOverflow: (appId, uid, why) => log.warn({ appId, uid, why }, 'slow consumer: session ended'),
    sessionEnded: (appId, uid, why) => log.info({ appId, uid, why }, 'session ended'),
    sessionMoved: (appId, uid) => log.info({ appId, uid }, 'session moved to another node'),
    fault: (where, err, context) => log.error({ where, err, ...context }, 'fault contained'),
  };
}

/** Calls every observer's hook in turn. */
export function combineObservers(...observers: CoreObserver[]): CoreObserver {
  const out: Record<string, (...args: unknown[]) => void> = {};
  const keys = new Set(observers.flatMap((o) => Object.keys(o)));
  for (const k of keys) {
    out[k] = (...args: unknown[]) => {
      for (const o of observers) (o as Record<string, ((...a: unknown[]) => void) | undefined>)[k]?.(...args);
    };
  }
  return out;
}
