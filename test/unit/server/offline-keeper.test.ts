/**
 * The rule that keeps offline-flagged messages durable without duplicates (issue 11, defect 9): a
 * message queued for a session gets a copy in the offline cache; the copy goes when the client
 * acknowledges the message — also when the acknowledgement comes before the copy is written; a
 * message with a copy is not spilled again when the session ends (the copy is the cached message);
 * one the store refused is.
 */

import { ManualClock } from '../../../src/rtm-core/clock';
import { encodeEvent } from '../../../src/rtm-core/protocol/codec';
import { DEFAULT_RATES } from '../../../src/rtm-core/server/options';
import { Session, type OfflineKeeper } from '../../../src/rtm-core/server/session';
import type { OfflineMessage } from '../../../src/rtm-core/server/state/store';

/** A store whose writes finish when the test says so. */
class SlowKeeper implements OfflineKeeper {
  readonly dropped: number[] = [];
  private readonly writes: ((row: number | undefined) => void)[] = [];
  keep(): Promise<number | undefined> {
    return new Promise((resolve) => this.writes.push(resolve));
  }
  drop(rows: number[]): void {
    this.dropped.push(...rows);
  }
  async finish(row: number | undefined): Promise<void> {
    this.writes.shift()?.(row);
    await new Promise((r) => setImmediate(r));
  }
}

const message = (text: string): OfflineMessage => ({ from: 'alice', msg: { type: 'TEXT', text }, ts: 1 });
const sent: unknown[] = [];
function session(keeper: OfflineKeeper): Session {
  const s = new Session('sid', 'app', 'bob', 0, DEFAULT_RATES, new ManualClock());
  s.keeper = keeper;
  s.attach({ send: (d) => sent.push(d), close: () => undefined }, undefined, 0);
  return s;
}
function push(s: Session, text: string): { seq: number; kept: Promise<void> } {
  return s.pushOffline(encodeEvent({ e: 'peer', from: 'alice', msg: { type: 'TEXT', text }, ts: 1 }), message(text));
}

it('a copy is dropped when the client acknowledges its message, not before', async () => {
  const keeper = new SlowKeeper();
  const s = session(keeper);
  const { seq, kept } = push(s, 'one');
  await keeper.finish(8);
  await kept;
  expect([...s.heldRows()]).toEqual([8]);
  expect(s.undeliveredOffline()).toEqual([]); // in the cache already
  expect(keeper.dropped).toEqual([]);
  s.ack(seq);
  expect(keeper.dropped).toEqual([8]);
  expect(s.heldRows().size).toBe(0);
});

it('an acknowledgement that comes before the copy is written still drops it', async () => {
  const keeper = new SlowKeeper();
  const s = session(keeper);
  const { seq } = push(s, 'fast');
  s.ack(seq);
  expect(keeper.dropped).toEqual([]);
  await keeper.finish(9);
  expect(keeper.dropped).toEqual([9]);
});

it('a message the store did not keep is spilled when the session ends; a kept one stays in the cache', async () => {
  const keeper = new SlowKeeper();
  const s = session(keeper);
  push(s, 'kept');
  push(s, 'refused');
  await keeper.finish(10);
  await keeper.finish(undefined);
  expect(s.undeliveredOffline()).toEqual([message('refused')]);
  s.end();
  expect(keeper.dropped).toEqual([]);
});
