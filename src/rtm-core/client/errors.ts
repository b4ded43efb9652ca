/**
 * The SDK's error classes: real `Error` subclasses with the official names, the numeric `code` of
 * the API's code table, and the official message shape "Error Code <code> - <text>".
 */

import { LoginError } from '../protocol/codes';

export interface RtmErrorOptions {
  serverCode?: number;
  cause?: unknown;
}

export class RtmError extends Error {
  readonly code: number;
  readonly serverCode: number | undefined;
  readonly originalError: unknown;

  constructor(code: number, text: string, options: RtmErrorOptions = {}) {
    const server = options.serverCode === undefined ? '' : `, server Code ${options.serverCode}`;
    super(`Error Code ${code}${server} - ${text}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.serverCode = options.serverCode;
    this.originalError = options.cause;
  }
}

export class RtmInvalidArgumentError extends RtmError {
  override name = 'RtmInvalidArgumentError';
}
export class RtmInvalidStatusError extends RtmError {
  override name = 'RtmInvalidStatusError';
}
export class RtmTimeoutError extends RtmError {
  override name = 'RtmTimeoutError';
}
export class RtmLimitExceededError extends RtmError {
  override name = 'RtmLimitExceededError';
}
export class RtmInvokeTooOftenError extends RtmError {
  override name = 'RtmInvokeTooOftenError';
}
export class RtmUnavailableError extends RtmError {
  override name = 'RtmUnavailableError';
}
export class RtmUnauthenticatedError extends RtmError {
  override name = 'RtmUnauthenticatedError';
}
export class RtmUnknownError extends RtmError {
  override name = 'RtmUnknownError';
}
export class RtmInternalError extends RtmError {
  override name = 'RtmInternalError';
}

type ErrorClass = new (code: number, text: string, options?: RtmErrorOptions) => RtmError;

/**
 * Picks the error class for a code of a given table by the code's name, following the SDK: argument
 * problems are InvalidArgument, state problems InvalidStatus, rates and sizes LimitExceeded, token
 * and app problems Unauthenticated, anything else Unavailable.
 */
export function errorFor(table: Readonly<Record<string, number>>, code: number, text: string, options?: RtmErrorOptions): RtmError {
  if (table === LoginError) {
    // rtm-1x.md §3.2 / §9.4: login's TOO_OFTEN is InvokeTooOften, and a server refusing a token issued
    // for another user answers INVALID_ARGUMENT (3) as an authentication failure.
    if (code === LoginError.TOO_OFTEN) return new RtmInvokeTooOftenError(code, text, options);
    if (code === LoginError.INVALID_ARGUMENT && options?.serverCode !== undefined) return new RtmUnauthenticatedError(code, text, options);
  }
  const name = Object.keys(table).find((k) => table[k] === code) ?? '';
  return new (classFor(name))(code, text, options);
}

function classFor(name: string): ErrorClass {
  if (name.includes('TIMEOUT')) return RtmTimeoutError;
  if (name === 'INVALID_TOKEN' || name === 'TOKEN_EXPIRED' || name === 'INVALID_APP_ID' || name === 'NOT_AUTHORIZED') {
    return RtmUnauthenticatedError;
  }
  if (name.startsWith('INVALID') || name === 'INCOMPATIBLE_MESSAGE') return RtmInvalidArgumentError;
  if (name.includes('NOT_LOGGED_IN') || name.startsWith('ALREADY') || name === 'NOT_IN_CHANNEL' || name === 'NOT_STARTED' || name === 'NOT_INITIALIZED') {
    return RtmInvalidStatusError;
  }
  if (name.includes('TOO_OFTEN') || name.includes('EXCEED') || name.includes('OVERFLOW')) return RtmLimitExceededError;
  if (name === 'UNKNOWN') return RtmUnknownError;
  return RtmUnavailableError;
}
