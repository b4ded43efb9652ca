/** Prefix of the legacy Signaling end-call message (rtm-1x.md §8.7). */
export const END_CALL_PREFIX = 'AgoraRTMLegacyEndcallCompatibleMessagePrefix';
