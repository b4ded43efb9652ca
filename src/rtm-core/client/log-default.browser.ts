/** The default log filter of browser builds: INFO and up, as the official Web SDK logs by default. */

import type { LogFilterType } from './types';

export const DEFAULT_LOG_FILTER: LogFilterType = { error: true, warn: true, info: true, track: true, debug: false };
