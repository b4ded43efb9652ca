/**
 * The last line of defence of `sig2rtm serve`: an exception or rejection that escaped every handler
 * is logged with its context and counted (sig2rtm_faults_total{where="process.…"}) instead of
 * ending the process and every client's session with it. Each one is a bug to fix; none may be an
 * outage.
 */

import type { CoreObserver } from '../rtm-core/server/observer';

export function guardProcess(observer: CoreObserver): () => void {
  const onRejection = (err: unknown) => observer.fault?.('process.unhandledRejection', err);
  const onException = (err: unknown) => observer.fault?.('process.uncaughtException', err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
