/**
 * Delivery to sessions and channel members wherever they are connected. In one process this is a
 * direct call into the local session registry (`LocalBus`); across processes it becomes pub/sub
 * between nodes. Handlers depend on this interface and on StateStore only.
 */

import type { EncodedEvent } from '../protocol/codec';
import { encodeFrame } from '../protocol/codec';
import type { KickReason } from '../protocol/frames';
import type { Session } from './session';
import type { OfflineMessage } from './state/store';

/** What became of a peer delivery. */
export type Delivery =
  /** The receiving client acknowledged it. */
  | 'acked'
  /** Sent to a connected client that did not acknowledge it in time (still queued for it). */
  | 'unacked'
  /** The receiver is logged in but away (reconnecting): queued, delivered when it returns. */
  | 'queued'
  /** Nobody is logged in as the receiver. */
  | 'absent';

export interface Bus {
  register(session: Session): void;
  unregister(session: Session): void;
  /** The session of (appId, uid) hosted here, if any. */
  localSession(appId: string, uid: string): Session | undefined;
  sessionById(sid: string): Session | undefined;

  /**
   * Queues `ev` for the user and waits up to `ackTimeoutMs` for its client's acknowledgement.
   * `offline` (optional): the message to cache if the receiver's session ends before acknowledging it.
   */
  deliverToUser(appId: string, uid: string, ev: EncodedEvent, ackTimeoutMs: number, offline?: OfflineMessage): Promise<Delivery>;
  /** Queues `ev` for the user without waiting (presence, notices). */
  pushToUser(appId: string, uid: string, ev: EncodedEvent): void;

  addMember(session: Session, channel: string): void;
  removeMember(session: Session, channel: string): void;
  /** Queues `ev` for every member of the channel except `exceptUid`. */
  publishToChannel(appId: string, channel: string, ev: EncodedEvent, exceptUid?: string): void;

  /** Tells a session's client it is over and closes its socket. The caller ends the session. */
  kick(session: Session, reason: KickReason): void;

  /** What this node hosts, for the admin API and metrics. */
  snapshot(): BusSnapshot;

  // ---- optional: buses that span several nodes (RedisBus); LocalBus has none of these ----------

  /** Starts cross-node work (subscriptions, leases); `host` is this node's core. */
  start?(host: BusHost): Promise<void>;
  close?(): Promise<void>;
  /** An id for a new session (a cluster bus names the hosting node in it). */
  newSessionId?(): string;
  /**
   * Ends `sid` of (appId, uid) if another node hosts it (a newer login here replaced it); resolves
   * once it has ended there, or has been cleaned up from here when that node is dead or silent
   * (only while `claimedBy`, the new session, still owns the user).
   */
  endRemoteSession?(appId: string, uid: string, sid: string, reason: KickReason, claimedBy?: string): Promise<void>;
  /** Ends (appId, uid)'s session as BANNED_BY_SERVER on the node that hosts it. False when nobody does. */
  kickElsewhere?(appId: string, uid: string): Promise<boolean>;
  /** Queues `ev` for this node's members of the channel only (each node sends its own MemberCountUpdated). */
  publishToLocalMembers?(appId: string, channel: string, ev: EncodedEvent): void;
  /** A channel's member count changed here: other nodes recompute theirs. */
  memberCountChanged?(appId: string, channel: string): void;
  /** A channel's legacy built-in attributes changed here (extension legacy/1): other nodes read them again. */
  channelSettingsChanged?(appId: string, channel: string): void;
  /**
   * Session hand-over: the session `sid` of (appId, uid) lives on another (live) node, whose client
   * resumes here. Moves it here (a session from `make`, registered, holding every unacknowledged
   * event), calls `arrived` with it (before anything held for it meanwhile is delivered: the caller
   * attaches the client there) and resolves with it; undefined when it cannot (that node is gone,
   * silent, or does not have it): the caller then logs in afresh.
   */
  takeOver?(appId: string, uid: string, sid: string, make: (sid: string) => Session, arrived: (session: Session) => void): Promise<Session | undefined>;
}

/** What a bus spanning several nodes needs from the core of its own node. */
export interface BusHost {
  /** Kicks and ends a session hosted here (REMOTE_LOGIN: replaced by a newer login elsewhere; otherwise ended, as by an admin). */
  endLocalSession(session: Session, reason: KickReason): Promise<void>;
  /**
   * Ends a session whose node is gone: leaves its channels (MemberLeft), drops its subscriptions and
   * attributes; with 'offline', releases the user (OFFLINE to subscribers) unless someone else owns it now.
   */
  endOrphanedSession(appId: string, uid: string, sid: string, channels: readonly string[], why: 'offline' | 'replaced'): Promise<void>;
  /** A session hosted here moves to another node: stops its timers and socket here and gives up its state. */
  handOff(session: Session): ReturnType<Session['handOff']>;
  /** Another node changed a channel's member count: recompute it for this node's members. */
  remoteMemberCountChanged(appId: string, channel: string): void;
  /** Another node changed a channel's legacy built-in attributes: forget this node's copy of its settings. */
  remoteChannelSettingsChanged?(appId: string, channel: string): void;
}

export interface BusSnapshot {
  sessions: Session[];
  /** Local members per channel. */
  channels: { appId: string; channel: string; members: number }[];
}

export class LocalBus implements Bus {
  private readonly byUser = new Map<string, Session>();
  private readonly byId = new Map<string, Session>();
  private readonly channels = new Map<string, Set<Session>>();

  register(session: Session): void {
    this.byUser.set(userKey(session.appId, session.uid), session);
    this.byId.set(session.sid, session);
  }

  unregister(session: Session): void {
    const key = userKey(session.appId, session.uid);
    if (this.byUser.get(key) === session) this.byUser.delete(key);
    this.byId.delete(session.sid);
    for (const ch of session.channels) this.removeMember(session, ch);
  }

  localSession(appId: string, uid: string): Session | undefined {
    return this.byUser.get(userKey(appId, uid));
  }

  sessionById(sid: string): Session | undefined {
    return this.byId.get(sid);
  }

  deliverToUser(appId: string, uid: string, ev: EncodedEvent, ackTimeoutMs: number, offline?: OfflineMessage): Promise<Delivery> {
    const session = this.localSession(appId, uid);
    if (!session || session.ended) return Promise.resolve('absent');
    if (offline) return deliverKept(session, ev, offline, ackTimeoutMs);
    const seq = session.push(ev);
    if (!session.attached || session.presence !== 'ONLINE') return Promise.resolve('queued');
    return session.waitForAck(seq, ackTimeoutMs);
  }

  pushToUser(appId: string, uid: string, ev: EncodedEvent): void {
    const session = this.localSession(appId, uid);
    if (session && !session.ended) session.push(ev);
  }

  addMember(session: Session, channel: string): void {
    const key = userKey(session.appId, channel);
    let members = this.channels.get(key);
    if (!members) {
      members = new Set();
      this.channels.set(key, members);
    }
    members.add(session);
  }

  removeMember(session: Session, channel: string): void {
    const key = userKey(session.appId, channel);
    const members = this.channels.get(key);
    if (!members) return;
    members.delete(session);
    if (members.size === 0) this.channels.delete(key);
  }

  /** Does this node host any member of the channel? */
  hasMembers(appId: string, channel: string): boolean {
    return this.channels.has(userKey(appId, channel));
  }

  publishToChannel(appId: string, channel: string, ev: EncodedEvent, exceptUid?: string): void {
    const members = this.channels.get(userKey(appId, channel));
    if (!members) return;
    for (const s of members) if (s.uid !== exceptUid && !s.ended) s.push(ev);
  }

  snapshot(): BusSnapshot {
    const channels = [...this.channels].map(([key, members]) => {
      const [appId, channel] = splitKey(key);
      return { appId, channel, members: members.size };
    });
    return { sessions: [...this.byId.values()], channels };
  }

  kick(session: Session, reason: KickReason): void {
    const outlet = session.outlet;
    if (!outlet) return;
    outlet.send(encodeFrame({ t: 'kick', reason }));
    outlet.close(4000, reason);
  }
}

/** An offline-flagged message: the sender hears 'queued' or 'unacked' only once its durable copy (if any) is written. */
async function deliverKept(session: Session, ev: EncodedEvent, offline: OfflineMessage, ackTimeoutMs: number): Promise<Delivery> {
  const { seq, kept } = session.pushOffline(ev, offline);
  if (!session.attached || session.presence !== 'ONLINE') {
    await kept;
    return 'queued';
  }
  const outcome = await session.waitForAck(seq, ackTimeoutMs);
  if (outcome !== 'acked') await kept;
  return outcome;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}

function userKey(appId: string, id: string): string {
  return `${appId}\u0000${id}`;
}
