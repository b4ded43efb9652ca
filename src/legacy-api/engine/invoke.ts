/**
 * `invoke(name, req, callID)` → `onInvokeRet(callID, err, resp)`: the eleven `io.agora.signal.*`
 * RPCs (legacy-signaling.md §7), each mapped onto RTM calls. `resp` is a JSON object with
 * `result: "ok"` and the RPC's fields; on failure `err` is a reason string and `resp` has
 * `result: "failed"`.
 */

import type { RtmClient } from '../../rtm-core/client/client';
import { describe, type EngineContext } from './context';
import { memberCounts, writeChannelAttribute, type LegacyChannels } from './channels';
import { readUserAttributes, writeOwnAttribute } from './user-state';

export const INVOKE_PREFIX = 'io.agora.signal.';

type Req = Record<string, unknown>;
type Rpc = (client: RtmClient, req: Req) => Promise<Record<string, unknown>>;

const str = (req: Req, key: string): string => {
  const v = req[key];
  if (typeof v !== 'string' || v === '') throw new InvokeError(`missing ${key}`);
  return v;
};

export class InvokeError extends Error {
  override name = 'InvokeError';
}

/** The RPC table: every documented name, nothing else. */
export function invokeTable(ctx: EngineContext, channels: LegacyChannels) {
  const userList = async (client: RtmClient, req: Req) => {
    const members = await channels.members(client, str(req, 'name'));
    const limit = typeof req.num === 'number' && req.num > 0 ? req.num : members.length;
    const list = members.slice(0, limit).map((m) => [m, ctx.uidOf(m)]);
    return { num: members.length, list };
  };
  return {
    user_query_user_status: async (client, req) => {
      const account = str(req, 'account');
      const r = await client.queryPeersOnlineStatus([account]);
      return { status: r[account] === true ? 1 : 0 };
    },
    user_set_attr: async (client, req) => {
      await writeOwnAttribute(ctx, client, str(req, 'name'), typeof req.value === 'string' ? req.value : '');
      return {};
    },
    user_get_attr: async (client, req) => {
      const name = str(req, 'name');
      const attrs = await readUserAttributes(ctx, client, str(req, 'account'), [name]);
      return { value: attrs[name] ?? '' };
    },
    user_get_attr_all: async (client, req) => {
      const attrs = await readUserAttributes(ctx, client, str(req, 'account'));
      return { json: JSON.stringify(attrs) };
    },
    channel_query_num: async (client, req) => {
      const name = str(req, 'name');
      const counts = await memberCounts(client, name);
      return { num: counts[name] ?? 0 };
    },
    channel_query_user_isin: async (client, req) => {
      const account = str(req, 'account');
      const members = await channels.members(client, str(req, 'name'));
      return { isin: members.includes(account) ? 1 : 0 };
    },
    channel_query_userlist: userList,
    channel_query_userlist_all: userList,
    channel_set_attr: async (client, req) => {
      await writeChannelAttribute(client, 'channelSetAttr', str(req, 'channel'), str(req, 'name'), str(req, 'value'));
      return {};
    },
    channel_del_attr: async (client, req) => {
      await writeChannelAttribute(client, 'channelDelAttr', str(req, 'channel'), str(req, 'name'), '');
      return {};
    },
    channel_clear_attr: async (client, req) => {
      await writeChannelAttribute(client, 'channelClearAttr', str(req, 'channel'), '', '');
      return {};
    },
  } satisfies Record<InvokeName, Rpc>;
}

/** The documented RPC names, without the `io.agora.signal.` prefix. */
export const INVOKE_NAMES = [
  'user_query_user_status', 'user_set_attr', 'user_get_attr', 'user_get_attr_all', 'channel_query_num',
  'channel_query_user_isin', 'channel_query_userlist', 'channel_query_userlist_all', 'channel_set_attr',
  'channel_del_attr', 'channel_clear_attr',
] as const;
export type InvokeName = (typeof INVOKE_NAMES)[number];

/** Runs an RPC by its full name; resolves with `[err, respJson]`. */
export type InvokeTable = ReturnType<typeof invokeTable>;

export async function runInvoke(table: InvokeTable, client: RtmClient, name: string, reqJson: string): Promise<[string, string]> {
  if (!name.startsWith(INVOKE_PREFIX)) return ['unknown function', JSON.stringify({ result: 'failed', reason: `unknown function ${name}` })];
  const fn = name.slice(INVOKE_PREFIX.length);
  if (!Object.prototype.hasOwnProperty.call(table, fn)) {
    return ['unknown function', JSON.stringify({ result: 'failed', reason: `unknown function ${name}` })];
  }
  let req: Req;
  try {
    const parsed: unknown = reqJson === '' ? {} : JSON.parse(reqJson);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvokeError('req must be a JSON object');
    req = parsed as Req;
  } catch (err) {
    return ['invalid request', JSON.stringify({ result: 'failed', reason: describe(err) })];
  }
  try {
    const data = await table[fn as InvokeName](client, req);
    return ['', JSON.stringify({ result: 'ok', ...data })];
  } catch (err) {
    const reason = describe(err);
    return [reason, JSON.stringify({ result: 'failed', reason })];
  }
}
