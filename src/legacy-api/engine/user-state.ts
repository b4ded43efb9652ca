/**
 * The user's attributes and online status: `setAttr`, `getAttr`, `getAttrAll`, `getUserAttr`,
 * `getUserAttrAll`, `queryUserStatus`. RTM attributes end with the login; with compat
 * `userAttributes: 'instance'` the instance keeps its own and sets them again at each login.
 */

import { attributeFailure, legacyCode, queryStatusFailure } from '../../mapping/code-maps';
import { AgoraECode } from '../../mapping/legacy-codes';
import type { RtmClient } from '../../rtm-core/client/client';
import { AttributeOperationError } from '../../rtm-core/protocol/codes';
import { describe, rtmCode, type EngineContext } from './context';

/** True when the user's attributes belong to the account, kept by sig2rtm's server (legacy/1). */
function accountLevel(ctx: EngineContext, client: RtmClient): boolean {
  return ctx.compat.userAttributes === 'account' && client.sig2rtm !== undefined;
}

/** Sets one of the user's own attributes (an empty value deletes it) and keeps the instance's copy. */
export async function writeOwnAttribute(ctx: EngineContext, client: RtmClient, name: string, value: string): Promise<void> {
  // Legacy: the attribute belongs to the account, outlives the login and is readable by anyone.
  if (accountLevel(ctx, client) && client.sig2rtm) return client.sig2rtm.setAccountAttribute(name, value);
  // Legacy had no delete call: setting an empty value removed the attribute (RTM values cannot be empty).
  if (value === '') await client.deleteLocalUserAttributesByKeys([name]);
  else await client.addOrUpdateLocalUserAttributes({ [name]: value });
  if (value === '') ctx.myAttributes.delete(name);
  else ctx.myAttributes.set(name, value);
}

/**
 * A user's attributes: the account's on sig2rtm's server (online or not, as legacy answered);
 * otherwise the login's RTM attributes, where a user who is not online has none (RTM fails USER_NOT_FOUND).
 */
export async function readUserAttributes(ctx: EngineContext, client: RtmClient, account: string, keys?: string[]): Promise<Record<string, string>> {
  if (accountLevel(ctx, client) && client.sig2rtm) return client.sig2rtm.getAccountAttributes(account, keys);
  try {
    return keys ? await client.getUserAttributesByKeys(account, keys) : await client.getUserAttributes(account);
  } catch (err) {
    if (rtmCode(err) === AttributeOperationError.USER_NOT_FOUND) return {};
    throw err;
  }
}

export class LegacyUserState {
  constructor(private readonly ctx: EngineContext) {}

  async setAttr(name: string, value: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('setAttr');
    if (!client) return;
    try {
      await writeOwnAttribute(ctx, client, name, value);
    } catch (err) {
      ctx.error('setAttr', legacyCode(attributeFailure, rtmCode(err) ?? 2, AgoraECode.GENERAL_E_FAILED), describe(err));
    }
  }

  /** `getAttr` / `getUserAttr` → `onUserAttrResult(account, name, value)`; a missing one is "". */
  async getOne(method: 'getAttr' | 'getUserAttr', account: string, name: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn(method);
    if (!client) return;
    const attrs = await this.read(method, client, account, [name]);
    if (attrs) ctx.fire('onUserAttrResult', account, name, attrs[name] ?? '');
  }

  /** `getAttrAll` / `getUserAttrAll` → `onUserAttrAllResult(account, json)`. */
  async getAll(method: 'getAttrAll' | 'getUserAttrAll', account: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn(method);
    if (!client) return;
    const attrs = await this.read(method, client, account);
    if (attrs) ctx.fire('onUserAttrAllResult', account, JSON.stringify(attrs));
  }

  /** Reads attributes, reporting a failure as `onError(method, …)`. */
  private async read(method: string, client: RtmClient, account: string, keys?: string[]): Promise<Record<string, string> | undefined> {
    try {
      return await readUserAttributes(this.ctx, client, account, keys);
    } catch (err) {
      this.ctx.error(method, legacyCode(attributeFailure, rtmCode(err) ?? 2, AgoraECode.GENERAL_E_FAILED), describe(err));
      return undefined;
    }
  }

  async queryUserStatus(account: string): Promise<void> {
    const ctx = this.ctx;
    const client = ctx.loggedIn('queryUserStatus');
    if (!client) return;
    try {
      const r = await client.queryPeersOnlineStatus([account]);
      ctx.fire('onQueryUserStatusResult', account, r[account] === true ? '1' : '0');
    } catch (err) {
      ctx.error('queryUserStatus', legacyCode(queryStatusFailure, rtmCode(err) ?? 1, AgoraECode.GENERAL_E_FAILED), describe(err));
    }
  }

  /** After a login: set the instance's attributes again (compat `userAttributes: 'instance'`). */
  async restore(client: RtmClient): Promise<void> {
    const ctx = this.ctx;
    if (ctx.compat.userAttributes === 'login' || ctx.myAttributes.size === 0) return;
    if (accountLevel(ctx, client)) return; // the server keeps them
    try {
      await client.setLocalUserAttributes(Object.fromEntries(ctx.myAttributes));
    } catch (err) {
      ctx.log(`could not restore user attributes: ${describe(err)}`);
    }
  }

  /** compat `userAttributes: 'login'`: they end with the login. */
  loggedOut(): void {
    if (this.ctx.compat.userAttributes === 'login') this.ctx.myAttributes.clear();
  }
}
