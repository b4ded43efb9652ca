/** The shape of a mapping row, shared by the method and callback tables. */

export type MappingKind =
  /** Same meaning, same arguments. */
  | 'direct'
  /** Same meaning; arguments, codes or timing translated. */
  | 'adapted'
  /** RTM has no counterpart; sig2rtm builds the behaviour from RTM calls. */
  | 'emulated'
  /** Cannot be offered on RTM; the call fails with a clear error. */
  | 'unsupported';

/** The kinds from the closest to RTM to the farthest (`sig2rtm scan --fail-on` uses this order). */
export const MAPPING_KINDS: readonly MappingKind[] = ['direct', 'adapted', 'emulated', 'unsupported'];

export interface MappingRow {
  /** The RTM 1.x API to use instead (Web names; `—` when there is none). */
  rtm: readonly string[];
  kind: MappingKind;
  /** What changes, in a sentence or two. */
  difference: string;
  /** Where the behaviour is documented. */
  reference: string;
}

/** The seed documents' spellings that differ from the SDK's names. */
export const SEED_NAME_ALIASES: Readonly<Record<string, readonly string[]>> = {
  queryuserStatus: ['queryUserStatus'],
  OnQueryUserStatusResult: ['onQueryUserStatusResult'],
  onUserAttributeResult: ['onUserAttrResult', 'onUserAttrAllResult'],
  oninviteReceived: ['onInviteReceived'],
  oninviteReceivedByPeer: ['onInviteReceivedByPeer'],
  getInstance: ['AgoraAPI.getInstance'],
  createAgoraSDKInstance: ['AgoraAPI.createAgoraSDKInstance'],
};
