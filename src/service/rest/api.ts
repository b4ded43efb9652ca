/**
 * The REST API for app servers, one table: each row is a route with its zod schemas (which check
 * requests and make the OpenAPI document) and what it does on the core. Paths and shapes follow
 * Agora's RTM RESTful API where it has the call (base /dev/v2/project/{appid}, peer and channel
 * messages: `destination`, `channel_name`, `payload`, `wait_for_ack`, answers `{result,
 * request_id, code}`); the rest are sig2rtm extensions under the same base, named in the same
 * snake_case. Messages sent here reach clients as ordinary MessageFromPeer / ChannelMessage events
 * from the path's user_id; attribute writes as AttributesUpdated; a kick as the RTM kick.
 *
 * Sources for the message calls (paths, bodies, `code` values, the example answers, the status
 * codes and the 500-per-second limit): Agora's "Send peer-to-peer message" and "Send channel
 * message" pages (docs.agora.io/en/signaling/rest-api/peer-to-peer-message and .../channel-message,
 * in the AgoraIO/Docs-Source repository as signaling/rest-api/*.mdx), and the older "RESTful
 * messaging" page (signaling/reference/restful-messaging.mdx), which agree. Where sig2rtm's answer
 * cannot be Agora's, README "REST API" says why. The newer "Error codes" page (errorCode/reason,
 * 403/415/435/503) belongs to the Signaling 2.x APIs (message history) and is not followed here.
 */

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { encodeEvent } from '../../rtm-core/protocol/codec';
import type { AttributeChange, ChannelAttributeValue } from '../../rtm-core/protocol/frames';
import { isValidId } from '../../rtm-core/protocol/limits';
import { checkChange, messageProblem } from '../../rtm-core/protocol/validate';
import type { RtmCore } from '../../rtm-core/server/core';

export const BASE = '/dev/v2/project/{appid}';

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RestContext {
  core: RtmCore;
  appId: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below BASE, with {param} segments. */
  path: string;
  operationId: string;
  summary: string;
  /** True when the call is Agora's; false for a sig2rtm extension. */
  agora: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodObject;
  /** Counts against the per-app message rate (Agora: 500 peer + channel messages per second). */
  message?: boolean;
  run(ctx: RestContext): Promise<Record<string, unknown>>;
}

const userId = z.string().describe('user ID: 1-64 characters of the RTM ID set');
const channelName = z.string().describe('channel name: 1-64 characters of the RTM ID set');
const attributeValue = z.object({ value: z.string(), last_update_user_id: z.string(), last_update_ts: z.number().int() });
const envelope = { result: z.literal('success'), request_id: z.string() };

function id(value: unknown, what: string): string {
  if (!isValidId(value)) throw new RestError(400, `invalid_${what}`, `${what} must be 1-64 characters of the RTM ID set`);
  return value;
}

function text(core: RtmCore, payload: string): { type: 'TEXT'; text: string } {
  // Agora's REST API: "It must not be an empty string or exceed 32 KB" (the SDKs' own rule is looser).
  if (payload === '') throw new RestError(400, 'invalid_payload', 'payload must not be an empty string');
  const msg = { type: 'TEXT' as const, text: payload };
  const problem = messageProblem(msg, core.options.limits.messageBytes);
  if (problem) throw new RestError(400, 'invalid_payload', problem);
  return msg;
}

function wireAttributes(attrs: Record<string, ChannelAttributeValue>): Record<string, z.infer<typeof attributeValue>> {
  const out: Record<string, z.infer<typeof attributeValue>> = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = { value: v.value, last_update_user_id: v.lastUpdateUserId, last_update_ts: v.lastUpdateTs };
  return out;
}

async function writeAttributes(ctx: RestContext, change: AttributeChange, by: string, notify: boolean): Promise<Record<string, unknown>> {
  const { core, appId } = ctx;
  const ch = id(ctx.params.channel_name, 'channel_name');
  const limits = core.options.limits;
  const problem = checkChange(change, limits.channelAttributes, limits.channelAttributes.keyBytes);
  if (problem) throw new RestError(400, typeof problem === 'string' ? 'invalid_attributes' : 'attributes_overflow', typeof problem === 'string' ? problem : problem.msg);
  const attrs = await core.store.changeChannelAttributes(appId, ch, change, { by, ts: core.clock.now() }, limits.channelAttributes);
  if (attrs === 'overflow') throw new RestError(400, 'attributes_overflow', 'channel attributes over the limits');
  if (notify) core.bus.publishToChannel(appId, ch, encodeEvent({ e: 'attrs', ch, attrs }));
  await core.channelAttributesWritten(appId, ch);
  return { attributes: wireAttributes(attrs) };
}

const notification = z.boolean().optional().describe('send AttributesUpdated to the channel members (default false)');

export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: 'POST',
    path: '/rtm/users/{user_id}/peer_messages',
    operationId: 'send-peer-message',
    summary: 'Send a peer-to-peer message from user_id (who need not be logged in) to destination',
    agora: true,
    message: true,
    query: z.object({ wait_for_ack: z.enum(['true', 'false']).optional().describe("answer after the receiver's acknowledgement (default false)") }),
    body: z.object({
      destination: userId,
      enable_offline_messaging: z.boolean().optional().describe('cache the message for an offline receiver (default false)'),
      enable_historical_messaging: z.boolean().optional().describe('accepted for compatibility; sig2rtm keeps no history'),
      payload: z.string().describe('the message text: not empty, at most limits.messageBytes UTF-8 bytes'),
    }),
    response: z.object({
      result: z.literal('success').optional().describe('absent when code is message_offline, as in Agora\'s example answer'),
      request_id: z.string(),
      code: z
        .enum(['message_sent', 'message_delivered', 'message_offline'])
        .describe(
          'message_sent: accepted (wait_for_ack=false; or true and the receiver is logged in but did not acknowledge within timings.peerAckTimeoutMs or is reconnecting: it stays queued for it). message_delivered: the receiver acknowledged it (wait_for_ack=true). message_offline: nobody is logged in as destination (wait_for_ack=true); cached when enable_offline_messaging',
        ),
    }),
    async run(ctx) {
      const { core, appId } = ctx;
      const body = ctx.body as { destination: string; enable_offline_messaging?: boolean; payload: string };
      const from = id(ctx.params.user_id, 'user_id');
      const to = id(body.destination, 'destination');
      const msg = text(core, body.payload);
      const ts = core.clock.now();
      const cacheIfAbsent = async (outcome: string) => {
        if (outcome !== 'absent' || body.enable_offline_messaging !== true || !core.options.offlineMessaging) return false;
        await core.store.enqueueOffline(appId, to, { from, msg, ts }, core.options.limits.offlineMessagesPerUser);
        return true;
      };
      core.options.observer.message?.({ kind: 'peer', appId, from, to, msg, ts, offline: body.enable_offline_messaging === true, via: 'rest' });
      const delivery = core.bus.deliverToUser(appId, to, encodeEvent({ e: 'peer', from, msg, ts }), core.options.timings.peerAckTimeoutMs);
      if (ctx.query.get('wait_for_ack') !== 'true') {
        void delivery.then(cacheIfAbsent).catch((err: unknown) => core.options.observer.fault?.('rest.peer_messages', err, { appId }));
        return { code: 'message_sent' };
      }
      const outcome = await delivery;
      if (outcome === 'acked') return { code: 'message_delivered' };
      if (outcome === 'absent') {
        await cacheIfAbsent(outcome);
        // Agora's answer for an offline receiver is {request_id, code}: no `result` (routes.ts adds it otherwise).
        return { result: undefined, code: 'message_offline' };
      }
      return { code: 'message_sent' };
    },
  },
  {
    method: 'POST',
    path: '/rtm/users/{user_id}/channel_messages',
    operationId: 'send-channel-message',
    summary: 'Send a channel message from user_id (who need not be a member) to channel_name',
    agora: true,
    message: true,
    body: z.object({
      channel_name: channelName,
      enable_historical_messaging: z.boolean().optional().describe('accepted for compatibility; sig2rtm keeps no history'),
      payload: z.string().describe('the message text: not empty, at most limits.messageBytes UTF-8 bytes'),
    }),
    response: z.object({ ...envelope, code: z.literal('message_sent').describe('message_sent: accepted and sent to the members connected now (Agora\'s only code here)') }),
    run(ctx) {
      const { core, appId } = ctx;
      const body = ctx.body as { channel_name: string; payload: string };
      const from = id(ctx.params.user_id, 'user_id');
      const ch = id(body.channel_name, 'channel_name');
      const msg = text(core, body.payload);
      const ts = core.clock.now();
      core.options.observer.message?.({ kind: 'channel', appId, from, to: ch, msg, ts, via: 'rest' });
      core.bus.publishToChannel(appId, ch, encodeEvent({ e: 'chmsg', ch, from, msg, ts }), from);
      return Promise.resolve({ code: 'message_sent' });
    },
  },
  {
    method: 'POST',
    path: '/rtm/users/online_status',
    operationId: 'query-online-status',
    summary: 'Whether each user is logged in (sig2rtm extension; as queryPeersOnlineStatus)',
    agora: false,
    body: z.object({ user_ids: z.array(userId).min(1).describe('at most limits.queryPeersPerCall users') }),
    response: z.object({ ...envelope, online: z.record(z.string(), z.boolean()) }),
    async run(ctx) {
      const uids = (ctx.body as { user_ids: unknown[] }).user_ids.map((u) => id(u, 'user_id'));
      const max = ctx.core.options.limits.queryPeersPerCall;
      if (uids.length > max) throw new RestError(400, 'too_many_users', `at most ${max} users per call`);
      return { online: await ctx.core.store.onlineStatus(ctx.appId, uids) };
    },
  },
  {
    method: 'GET',
    path: '/rtm/channels/{channel_name}/members',
    operationId: 'get-channel-members',
    summary: "A channel's members (at most limits.membersReturned) and its member count (sig2rtm extension)",
    agora: false,
    response: z.object({ ...envelope, members: z.array(z.string()), count: z.number().int() }),
    async run(ctx) {
      const ch = id(ctx.params.channel_name, 'channel_name');
      const { store, options } = ctx.core;
      const [members, counts] = await Promise.all([store.channelMembers(ctx.appId, ch, options.limits.membersReturned), store.channelCounts(ctx.appId, [ch])]);
      return { members, count: counts[ch] ?? 0 };
    },
  },
  {
    method: 'GET',
    path: '/rtm/channels/{channel_name}/attributes',
    operationId: 'get-channel-attributes',
    summary: "A channel's attributes (sig2rtm extension; as getChannelAttributes)",
    agora: false,
    response: z.object({ ...envelope, attributes: z.record(z.string(), attributeValue) }),
    async run(ctx) {
      const ch = id(ctx.params.channel_name, 'channel_name');
      return { attributes: wireAttributes(await ctx.core.store.getChannelAttributes(ctx.appId, ch)) };
    },
  },
  {
    method: 'PUT',
    path: '/rtm/channels/{channel_name}/attributes',
    operationId: 'set-channel-attributes',
    summary: "Set a channel's attributes: replace all (setChannelAttributes) or merge (addOrUpdateChannelAttributes) (sig2rtm extension)",
    agora: false,
    body: z.object({
      attributes: z.record(z.string(), z.string()).describe('key → value'),
      mode: z.enum(['replace', 'merge']).optional().describe('replace (default) or merge'),
      updated_by: z.string().optional().describe('the user ID recorded as the last writer (default "")'),
      enable_notification_to_channel_members: notification,
    }),
    response: z.object({ ...envelope, attributes: z.record(z.string(), attributeValue) }),
    run(ctx) {
      const b = ctx.body as { attributes: Record<string, string>; mode?: 'replace' | 'merge'; updated_by?: string; enable_notification_to_channel_members?: boolean };
      return writeAttributes(ctx, { op: b.mode === 'merge' ? 'add' : 'set', attrs: b.attributes }, b.updated_by ?? '', b.enable_notification_to_channel_members === true);
    },
  },
  {
    method: 'DELETE',
    path: '/rtm/channels/{channel_name}/attributes',
    operationId: 'delete-channel-attributes',
    summary: "Delete some of a channel's attributes (keys) or all of them (sig2rtm extension)",
    agora: false,
    body: z.object({ keys: z.array(z.string()).optional().describe('the keys to delete; all when absent'), updated_by: z.string().optional(), enable_notification_to_channel_members: notification }),
    response: z.object({ ...envelope, attributes: z.record(z.string(), attributeValue) }),
    run(ctx) {
      const b = ctx.body as { keys?: string[]; updated_by?: string; enable_notification_to_channel_members?: boolean };
      return writeAttributes(ctx, b.keys ? { op: 'del', keys: b.keys } : { op: 'clear' }, b.updated_by ?? '', b.enable_notification_to_channel_members === true);
    },
  },
  {
    method: 'DELETE',
    path: '/rtm/users/{user_id}/session',
    operationId: 'kick-user',
    summary: "End a user's login: the client is kicked (ConnectionStateChanged ABORTED, BANNED_BY_SERVER) (sig2rtm extension)",
    agora: false,
    response: z.object({ ...envelope, kicked: z.literal(true) }),
    async run(ctx) {
      const uid = id(ctx.params.user_id, 'user_id');
      if (!(await ctx.core.kick(ctx.appId, uid))) throw new RestError(404, 'user_offline', `${uid} is not logged in`);
      return { kicked: true };
    },
  },
];

export const requestId = (): string => randomBytes(8).readBigUInt64BE().toString();
