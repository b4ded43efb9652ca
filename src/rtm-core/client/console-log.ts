/**
 * Console logging as the official Web SDK does it: lines that start with `RTM:INFO`, `RTM:WARN` or
 * `RTM:ERROR`, each level shown only when the client's `logFilter` lets it through
 * (`createInstance(appId, { logFilter })`, `updateConfig({ logFilter })`). The default is
 * platform-dependent (log-default.ts): browser builds log INFO and up, as the official SDK does;
 * in Node nothing is printed unless asked for, so servers and test runs stay quiet.
 */

import { DEFAULT_LOG_FILTER } from './log-default';
import { ConnectionState, type ConnectionChangeReason } from './status-codes';
import type { LogFilterType } from './types';

export class ConsoleLog {
  private filter: LogFilterType;

  constructor(filter: LogFilterType | undefined) {
    this.filter = filter ?? DEFAULT_LOG_FILTER;
  }

  setFilter(filter: LogFilterType | undefined): void {
    if (filter && typeof filter === 'object') this.filter = filter;
  }

  info(line: string): void {
    if (this.filter.info) console.log(`RTM:INFO ${line}`);
  }

  warn(line: string): void {
    if (this.filter.warn) console.warn(`RTM:WARN ${line}`);
  }

  error(line: string): void {
    if (this.filter.error) console.error(`RTM:ERROR ${line}`);
  }

  /** A connection state change, at the level it deserves. */
  state(state: ConnectionState, reason: ConnectionChangeReason): void {
    const line = `connection state changed to ${state}, reason: ${reason}`;
    if (state === ConnectionState.ABORTED || (state === ConnectionState.DISCONNECTED && /FAILURE|TIMEOUT/.test(reason))) this.error(line);
    else if (state === ConnectionState.RECONNECTING) this.warn(line);
    else this.info(line);
  }
}
