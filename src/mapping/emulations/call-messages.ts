/**
 * Legacy call messages that RTM has no API for travel as peer text messages with a prefix:
 *
 * - DTMF (`channelInviteDTMF`) → the peer's `onInviteMsg`: `Sig2rtmCallMessage:` + JSON
 *   `{channelId, msgType, msgData, extra}`. An official RTM client sees it as a text message.
 * - Ending a call at any time (`channelInviteEnd`) uses RTM's own legacy end-call message
 *   (`AgoraRTMLegacyEndcallCompatibleMessagePrefix_<channelId>_<extra>`), which the RTM client turns
 *   into an invitation cancel, so official RTM clients understand it too.
 */

export const CALL_MESSAGE_PREFIX = 'Sig2rtmCallMessage:';

export interface CallMessage {
  channelId: string;
  msgType: string;
  msgData: string;
  extra: string;
}

export function formatCallMessage(m: CallMessage): string {
  return CALL_MESSAGE_PREFIX + JSON.stringify(m);
}

export function parseCallMessage(text: string): CallMessage | undefined {
  if (!text.startsWith(CALL_MESSAGE_PREFIX)) return undefined;
  try {
    const v = JSON.parse(text.slice(CALL_MESSAGE_PREFIX.length)) as Partial<CallMessage>;
    if (typeof v.channelId !== 'string' || typeof v.msgType !== 'string' || typeof v.msgData !== 'string') return undefined;
    return { channelId: v.channelId, msgType: v.msgType, msgData: v.msgData, extra: typeof v.extra === 'string' ? v.extra : '' };
  } catch {
    return undefined;
  }
}

/** The DTMF call message, with the legacy web extra `{"msgtype":"dtmf","msgdata":…}`. */
export function dtmfMessage(channelId: string, dtmf: string): CallMessage {
  return { channelId, msgType: 'dtmf', msgData: dtmf, extra: JSON.stringify({ msgtype: 'dtmf', msgdata: dtmf }) };
}

/** The legacy end-call text (rtm-1x.md §8.7); `extra` must not contain '_'. */
export function endCallText(prefix: string, channelId: string, extra: string): string {
  return `${prefix}_${channelId}_${extra.replace(/_/g, '-')}`;
}
