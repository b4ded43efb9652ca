/** The default log filter in Node: nothing (servers and test runs stay quiet). Browser builds take log-default.browser.ts. */

import type { LogFilterType } from './types';

export const DEFAULT_LOG_FILTER: LogFilterType = { error: false, warn: false, info: false, track: false, debug: false };
