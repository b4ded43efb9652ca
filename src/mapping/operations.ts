/**
 * The operation name `onError(name, ecode, desc)` carries for each legacy method. The real SDKs
 * passed their internal snake_case operation name, not the method name, and apps branch on it
 * (`if (name.equals("query_user_status"))`, OpenDuo-Android and -iOS). Names come from the
 * operation table of the Android JNI library (legacy-signaling.md §3.3); where that table has no
 * entry for a method, the choice is marked and listed in MIGRATION.md.
 */

import type { LegacyMethodName } from './methods';

export interface OperationRow {
  /** What `onError` carries as its `name`. */
  name: string;
  /** 'sdk': from the library's operation table; 'chosen': sig2rtm's choice (no source names it). */
  source: 'sdk' | 'chosen';
}

const sdk = (name: string): OperationRow => ({ name, source: 'sdk' });
const chosen = (name: string): OperationRow => ({ name, source: 'chosen' });

export const OPERATIONS = {
  'AgoraAPI.getInstance': chosen('get_instance'),
  'AgoraAPI.createAgoraSDKInstance': chosen('create_instance'),
  callbackSet: chosen('callback_set'),
  callbackGet: chosen('callback_get'),
  login: chosen('login'),
  login2: chosen('login'),
  logout: chosen('logout'),
  getStatus: chosen('get_status'),
  isOnline: chosen('is_online'),
  destroy: chosen('destroy'),
  destory: chosen('destroy'),
  getSdkVersion: chosen('get_sdk_version'),
  messageInstantSend: sdk('send_instant_msg'),
  messageInstantSend2: sdk('send_instant_msg'),
  messageChannelSend: sdk('send_channel_msg'),
  messageChannelSend2: sdk('send_channel_msg'),
  messageChannelSendForce: sdk('send_channel_msg'),
  messageAppSend: sdk('send_app_msg'),
  messagePushSend: sdk('send_push_msg'),
  messageChatSend: sdk('send_chat_msg'),
  messageDTMFSend: sdk('send_dtmf_msg'),
  queryUserStatus: sdk('query_user_status'),
  setAttr: sdk('set_attr'),
  getAttr: sdk('get_attr'),
  getAttrAll: sdk('get_attr_all'),
  getUserAttr: sdk('get_attr'),
  getUserAttrAll: sdk('get_attr_all'),
  channelJoin: sdk('channel_join'),
  channelLeave: sdk('channel_leave'),
  channelQueryUserNum: sdk('channel_query_num'),
  channelQueryUserIsIn: sdk('channel_query_user_isin'),
  channelSetAttr: sdk('channel_set_attr'),
  channelDelAttr: sdk('channel_del_attr'),
  channelClearAttr: sdk('channel_clear_attr'),
  channelInviteUser: sdk('invite'),
  channelInviteUser2: sdk('invite'),
  channelInviteAccept: sdk('invite_accept'),
  channelInviteRefuse: sdk('invite_refuse'),
  channelInviteEnd: sdk('invite_end'),
  channelInviteDTMF: sdk('invite_dtmf'),
  channelInvitePhone: sdk('invite_phone'),
  channelInvitePhone2: sdk('invite_phone'),
  channelInvitePhone3: sdk('invite_phone'),
  invoke: chosen('invoke'),
  bc_call: sdk('bc_call'),
  setBackground: sdk('set_background'),
  setNetworkStatus: chosen('set_network_status'),
  ping: chosen('ping'),
  start: chosen('start'),
  stop: chosen('stop'),
  dbg: chosen('dbg'),
} as const satisfies Record<LegacyMethodName, OperationRow>;

/** The operation name of a legacy method (the method's own name for anything else). */
export function operationName(method: string): string {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, method) ? OPERATIONS[method as LegacyMethodName].name : method;
}
