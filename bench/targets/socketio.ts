/**
 * Target (b): socket.io 4 doing the same exchange with its own means: a uid → socket map, rooms,
 * and acknowledgements (the receiver's ack callback becomes the sender's result). WebSocket
 * transport only, as the clients use.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { serveStats } from './serve-stats';

const MEMBER_EVENTS_UP_TO = 512;
const httpServer = http.createServer();
const io = new Server(httpServer, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 256 * 1024 });
const users = new Map<string, Socket>();

io.on('connection', (socket) => {
  let uid = '';
  socket.on('login', (u: string, ack: (ok: boolean) => void) => {
    uid = String(u);
    users.set(uid, socket);
    ack(true);
  });
  socket.on('msg', (to: string, body: string, ack: (received: boolean) => void) => {
    const peer = users.get(to);
    if (!peer) {
      ack(false);
      return;
    }
    peer.timeout(5000).emit('msg', uid, body, (err: Error | null) => ack(!err));
  });
  socket.on('join', (ch: string, ack: (count: number) => void) => {
    void socket.join(ch);
    const count = io.sockets.adapter.rooms.get(ch)?.size ?? 0;
    if (count <= MEMBER_EVENTS_UP_TO) socket.to(ch).emit('joined', ch, uid);
    ack(count);
  });
  socket.on('chmsg', (ch: string, body: string, ack: (ok: boolean) => void) => {
    socket.to(ch).emit('chmsg', ch, uid, body);
    ack(true);
  });
  socket.on('disconnect', () => {
    if (users.get(uid) === socket) users.delete(uid);
  });
});

httpServer.listen(0, '127.0.0.1', () => serveStats((httpServer.address() as AddressInfo).port));
