/**
 * User and channel attributes on the client side: argument checks as the Web SDK makes them, the
 * requests, and the local copy of the user's own attributes that is pushed again after the server
 * has dropped the session (a reconnect after more than the offline grace period).
 */

import { AttributeOperationError } from '../protocol/codes';
import type { AttributeChange } from '../protocol/frames';
import { checkChange, checkKeys, type Problem } from '../protocol/validate';
import { errorFor } from './errors';
import type { ClientInternals } from './internals';
import { ConnectionState } from './status-codes';
import type { AttributesMap, ChannelAttributeOptions, ChannelAttributes } from './types';

const E = AttributeOperationError;

function raise(problem: Problem): void {
  if (problem === null) return;
  if (typeof problem === 'string') throw errorFor(E, E.INVALID_ARGUMENT, problem);
  throw errorFor(E, problem.code, problem.msg);
}

function attrsChange(op: 'set' | 'add', attributes: unknown): AttributeChange {
  // Not a plain object: passed on as is, so that checkChange rejects it inside the async call (the
  // SDK's methods reject their promise; they never throw synchronously).
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    return { op, attrs: attributes as AttributesMap };
  }
  return { op, attrs: { ...(attributes as AttributesMap) } };
}

export class AttributeApi {
  /** The user's own attributes as last confirmed by the server. */
  private mine = new Map<string, string>();

  constructor(private readonly c: ClientInternals) {}

  // ---- own user attributes ----------------------------------------------------------------------

  setLocal(attributes: AttributesMap): Promise<void> {
    return this.changeMine(attrsChange('set', attributes));
  }

  addOrUpdateLocal(attributes: AttributesMap): Promise<void> {
    return this.changeMine(attrsChange('add', attributes));
  }

  deleteLocalByKeys(keys: string[]): Promise<void> {
    return this.changeMine({ op: 'del', keys });
  }

  clearLocal(): Promise<void> {
    return this.changeMine({ op: 'clear' });
  }

  private async changeMine(change: AttributeChange): Promise<void> {
    raise(checkChange(change, this.c.limits.userAttributes, 32));
    this.requireConnected();
    await this.c.call('uattr', { t: 'uattr', change }, E, E.TIMEOUT);
    this.applyMine(change);
  }

  private applyMine(change: AttributeChange): void {
    if (change.op === 'clear') this.mine = new Map();
    else if (change.op === 'del') for (const k of change.keys) this.mine.delete(k);
    else if (change.op === 'set') this.mine = new Map(Object.entries(change.attrs));
    else for (const [k, v] of Object.entries(change.attrs)) this.mine.set(k, v);
  }

  async getUser(userId: string, keys?: string[]): Promise<AttributesMap> {
    if (!this.c.validId(userId)) throw errorFor(E, E.INVALID_ARGUMENT, 'userId is invalid');
    if (keys !== undefined) raise(checkKeys(keys, this.c.limits.keysPerCall, 32));
    this.requireConnected();
    const { attrs } = await this.c.call('uattrGet', { t: 'uattrGet', uid: userId, ...(keys ? { keys } : {}) }, E, E.TIMEOUT);
    return attrs;
  }

  /** After the server dropped our session: push our attributes again. */
  async reapply(): Promise<void> {
    if (this.mine.size === 0) return;
    const attrs = Object.fromEntries(this.mine);
    await this.c.call('uattr', { t: 'uattr', change: { op: 'set', attrs } }, E, E.TIMEOUT);
  }

  /** Logout or ABORTED: the server forgot them, and so do we. */
  reset(): void {
    this.mine = new Map();
  }

  // ---- channel attributes -----------------------------------------------------------------------

  changeChannel(channelId: string, change: AttributeChange, options: ChannelAttributeOptions | undefined): Promise<void> {
    return this.runChannel(channelId, change, options);
  }

  private async runChannel(channelId: string, change: AttributeChange, options: ChannelAttributeOptions | undefined): Promise<void> {
    if (!this.c.validId(channelId)) throw errorFor(E, E.INVALID_ARGUMENT, 'channelId is invalid');
    raise(checkChange(change, this.c.limits.channelAttributes, 512, this.c.legacyNames));
    const notify = options?.enableNotificationToChannelMembers === true;
    this.requireConnected();
    await this.c.call('cattr', { t: 'cattr', ch: channelId, change, notify }, E, E.TIMEOUT);
  }

  async getChannel(channelId: string, keys?: string[]): Promise<ChannelAttributes> {
    if (!this.c.validId(channelId)) throw errorFor(E, E.INVALID_ARGUMENT, 'channelId is invalid');
    if (keys !== undefined) raise(checkKeys(keys, this.c.limits.keysPerCall, 32));
    this.requireConnected();
    const { attrs } = await this.c.call('cattrGet', { t: 'cattrGet', ch: channelId, ...(keys ? { keys } : {}) }, E, E.TIMEOUT);
    return attrs;
  }

  static attrsChange = attrsChange;

  private requireConnected(): void {
    if (this.c.link.state !== ConnectionState.CONNECTED) throw errorFor(E, E.USER_NOT_LOGGED_IN, 'not logged in');
  }
}
