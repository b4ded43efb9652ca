/**
 * Target (a): the smallest `ws` relay that does the same frame exchange as sig2rtm: the limit of
 * our stack (Node + ws + JSON). Login by uid; a peer message goes to the peer, the peer's client
 * acknowledges it, the sender hears the result; channel join (members told of joins while the
 * channel has ≤ 512 members, as RTM does) and fan-out to every other member.
 *
 * Frames (JSON text):
 *   → {t:'login', id, uid}            ← {t:'res', id}
 *   → {t:'msg', id, to, body}         peer ← {t:'msg', id, from, body}; peer → {t:'ack', id, to: from}; sender ← {t:'res', id, received}
 *   → {t:'join', id, ch}              ← {t:'res', id, count}; others ← {t:'joined', ch, uid}
 *   → {t:'chmsg', id, ch, body}       others ← {t:'chmsg', ch, from, body}; ← {t:'res', id}
 */

import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { serveStats } from './serve-stats';

interface Frame {
  t: string;
  id: number;
  uid?: string;
  to?: string;
  ch?: string;
  body?: string;
}

const MEMBER_EVENTS_UP_TO = 512;
const users = new Map<string, WebSocket>();
const channels = new Map<string, Map<string, WebSocket>>();

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 256 * 1024 });
wss.on('connection', (ws: WebSocket) => {
  let uid = '';
  const joined = new Set<string>();
  ws.on('message', (data) => {
    let f: Frame;
    try {
      f = JSON.parse((data as Buffer).toString('utf8')) as Frame;
    } catch {
      ws.close(1003, 'bad frame');
      return;
    }
    switch (f.t) {
      case 'login':
        uid = String(f.uid);
        users.set(uid, ws);
        ws.send(`{"t":"res","id":${f.id}}`);
        return;
      case 'msg': {
        const peer = users.get(String(f.to));
        if (!peer) ws.send(`{"t":"res","id":${f.id},"received":false}`);
        else peer.send(JSON.stringify({ t: 'msg', id: f.id, from: uid, body: f.body }));
        return;
      }
      case 'ack':
        users.get(String(f.to))?.send(`{"t":"res","id":${f.id},"received":true}`);
        return;
      case 'join': {
        const ch = String(f.ch);
        let members = channels.get(ch);
        if (!members) channels.set(ch, (members = new Map<string, WebSocket>()));
        members.set(uid, ws);
        joined.add(ch);
        if (members.size <= MEMBER_EVENTS_UP_TO) {
          const ev = JSON.stringify({ t: 'joined', ch, uid });
          for (const [u, m] of members) if (u !== uid) m.send(ev);
        }
        ws.send(`{"t":"res","id":${f.id},"count":${members.size}}`);
        return;
      }
      case 'chmsg': {
        const members = channels.get(String(f.ch));
        const ev = JSON.stringify({ t: 'chmsg', ch: f.ch, from: uid, body: f.body });
        if (members) for (const [u, m] of members) if (u !== uid) m.send(ev);
        ws.send(`{"t":"res","id":${f.id}}`);
        return;
      }
      default:
        ws.close(1003, 'unknown frame');
    }
  });
  ws.on('close', () => {
    if (users.get(uid) === ws) users.delete(uid);
    for (const ch of joined) {
      const members = channels.get(ch);
      members?.delete(uid);
      if (members?.size === 0) channels.delete(ch);
    }
  });
  ws.on('error', () => undefined);
});
wss.on('listening', () => serveStats((wss.address() as AddressInfo).port));
