/**
 * What RtmChannel and the invitation objects need from their RtmClient. An interface rather than
 * the class, so that those objects depend on a narrow surface, not on the whole facade.
 */

import type { Limits } from '../protocol/limits';
import type { ClientRequest, RequestType, ResultMap } from '../protocol/frames';
import type { Link } from './connection';
import type { ChannelRegistry } from './channel-registry';

export type RequestBodyOf<T extends RequestType> = Omit<Extract<ClientRequest, { t: T }>, 'rid'>;

export interface ClientInternals {
  readonly link: Link;
  readonly limits: Limits;
  /** Joined (or joining) channels. */
  readonly channels: ChannelRegistry;
  /** Sends a request and maps a failure to `table`'s error; a timeout becomes `timeoutCode`. */
  call<T extends RequestType>(t: T, body: RequestBodyOf<T>, table: Readonly<Record<string, number>>, timeoutCode: number, timeoutMs?: number): Promise<ResultMap[T]>;
  /** Throws `table`'s USER_NOT_LOGGED_IN unless CONNECTED or RECONNECTING. */
  requireLoggedIn(table: Readonly<Record<string, number>>, code: number): void;
  /** One message against the client's 180 per 3 s; false when over. */
  takeSend(): boolean;
  /** The earliest time (client clock) at which `login` will not fail TOO_OFTEN. */
  loginAllowedAt(): number;
  /** The ID rule: RTM's, or legacy names too when configured with `legacyNames` (extension legacy/1). */
  readonly validId: (value: unknown) => value is string;
  /** Configured with `legacyNames`: legacy names are also valid channel attribute keys. */
  readonly legacyNames: boolean;
}
