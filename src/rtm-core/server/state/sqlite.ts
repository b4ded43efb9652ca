/**
 * The durable embedded store, the server's default: what must survive a restart or a `kill -9`
 * (cached offline messages, channel attributes, legacy account attributes) lives in SQLite (better-sqlite3, WAL journal,
 * synchronous=FULL so that a commit is on disk before we answer); what a restart ends anyway
 * (sessions, memberships, subscriptions, user attributes) stays in memory.
 *
 * better-sqlite3 is synchronous: each call below is one short transaction on the event loop, which
 * is what makes "reported CACHED_BY_SERVER ⇒ on disk" hold without extra bookkeeping.
 */

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyChange } from '../../protocol/attributes';
import type { AttributeChange, ChannelAttributeValue, WireMessage } from '../../protocol/frames';
import { MemoryStore } from './memory';
import type { AttributeTotals, OfflineMessage } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS offline_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  app TEXT NOT NULL, uid TEXT NOT NULL, sender TEXT NOT NULL,
  type TEXT NOT NULL, text TEXT, raw BLOB, description TEXT,
  ts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS offline_by_receiver ON offline_messages (app, uid, id);
CREATE TABLE IF NOT EXISTS channel_attributes (
  app TEXT NOT NULL, channel TEXT NOT NULL, key TEXT NOT NULL,
  value TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (app, channel, key)
);
CREATE TABLE IF NOT EXISTS account_attributes (
  app TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (app, account, name)
);
`;

interface OfflineRow {
  id: number;
  sender: string;
  type: string;
  text: string | null;
  raw: Buffer | null;
  description: string | null;
  ts: number;
}

interface AttrRow {
  key: string;
  value: string;
  updated_by: string;
  updated_at: number;
}

export class SqliteStore extends MemoryStore {
  private readonly db: Database.Database;
  private readonly stmt;

  /** Opens (creating if needed) `sig2rtm.db` in `dataDir`. */
  constructor(dataDir: string) {
    super();
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'sig2rtm.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.stmt = {
      insertOffline: this.db.prepare(
        'INSERT INTO offline_messages (app, uid, sender, type, text, raw, description, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      countOffline: this.db.prepare('SELECT COUNT(*) AS n FROM offline_messages WHERE app = ? AND uid = ?'),
      trimOffline: this.db.prepare(
        'DELETE FROM offline_messages WHERE id IN (SELECT id FROM offline_messages WHERE app = ? AND uid = ? ORDER BY id LIMIT ?)',
      ),
      selectOffline: this.db.prepare('SELECT id, sender, type, text, raw, description, ts FROM offline_messages WHERE app = ? AND uid = ? ORDER BY id'),
      deleteOffline: this.db.prepare('DELETE FROM offline_messages WHERE app = ? AND uid = ? AND id <= ?'),
      channelsWithAttrs: this.db.prepare('SELECT DISTINCT app, channel FROM channel_attributes'),
      selectAttrs: this.db.prepare('SELECT key, value, updated_by, updated_at FROM channel_attributes WHERE app = ? AND channel = ?'),
      deleteAttrs: this.db.prepare('DELETE FROM channel_attributes WHERE app = ? AND channel = ?'),
      insertAttr: this.db.prepare('INSERT INTO channel_attributes (app, channel, key, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      selectAccount: this.db.prepare('SELECT name, value FROM account_attributes WHERE app = ? AND account = ?'),
      countAccount: this.db.prepare('SELECT COUNT(*) AS n FROM account_attributes WHERE app = ? AND account = ?'),
      hasAccountAttr: this.db.prepare('SELECT 1 FROM account_attributes WHERE app = ? AND account = ? AND name = ?'),
      upsertAccountAttr: this.db.prepare(
        'INSERT INTO account_attributes (app, account, name, value) VALUES (?, ?, ?, ?) ON CONFLICT (app, account, name) DO UPDATE SET value = excluded.value',
      ),
      deleteAccountAttr: this.db.prepare('DELETE FROM account_attributes WHERE app = ? AND account = ? AND name = ?'),
    };
  }

  override enqueueOffline(appId: string, uid: string, message: OfflineMessage, max: number): Promise<void> {
    const m = message.msg;
    this.db.transaction(() => {
      if (m.type === 'TEXT') this.stmt.insertOffline.run(appId, uid, message.from, 'TEXT', m.text, null, null, message.ts);
      else if (m.type === 'RAW') this.stmt.insertOffline.run(appId, uid, message.from, 'RAW', null, Buffer.from(m.raw), m.desc, message.ts);
      else return; // call signals are never cached
      const { n } = this.stmt.countOffline.get(appId, uid) as { n: number };
      if (n > max) this.stmt.trimOffline.run(appId, uid, n - max);
    })();
    return Promise.resolve();
  }

  override peekOffline(appId: string, uid: string, now: number, maxAgeMs: number): Promise<{ messages: OfflineMessage[]; upTo: number }> {
    const rows = this.stmt.selectOffline.all(appId, uid) as OfflineRow[];
    const messages: OfflineMessage[] = [];
    for (const r of rows) {
      if (now - r.ts >= maxAgeMs) continue;
      const msg: WireMessage =
        r.type === 'RAW'
          ? { type: 'RAW', raw: new Uint8Array(r.raw ?? Buffer.alloc(0)), desc: r.description ?? '' }
          : { type: 'TEXT', text: r.text ?? '' };
      messages.push({ from: r.sender, msg, ts: r.ts });
    }
    return Promise.resolve({ messages, upTo: rows[rows.length - 1]?.id ?? 0 });
  }

  override removeOffline(appId: string, uid: string, upTo: number): Promise<void> {
    this.stmt.deleteOffline.run(appId, uid, upTo);
    return Promise.resolve();
  }

  override channelsWithAttributes(): Promise<{ appId: string; channel: string }[]> {
    const rows = this.stmt.channelsWithAttrs.all() as { app: string; channel: string }[];
    return Promise.resolve(rows.map((r) => ({ appId: r.app, channel: r.channel })));
  }

  override setAccountAttribute(appId: string, account: string, name: string, value: string, max: number): Promise<'ok' | 'overflow'> {
    const result = this.db.transaction(() => {
      if (value === '') {
        this.stmt.deleteAccountAttr.run(appId, account, name);
        return 'ok' as const;
      }
      if (this.stmt.hasAccountAttr.get(appId, account, name) === undefined) {
        const { n } = this.stmt.countAccount.get(appId, account) as { n: number };
        if (n >= max) return 'overflow' as const;
      }
      this.stmt.upsertAccountAttr.run(appId, account, name, value);
      return 'ok' as const;
    })();
    return Promise.resolve(result);
  }

  override getAccountAttributes(appId: string, account: string): Promise<Record<string, string>> {
    const rows = this.stmt.selectAccount.all(appId, account) as { name: string; value: string }[];
    return Promise.resolve(Object.fromEntries(rows.map((r) => [r.name, r.value])));
  }

  private readAttrs(appId: string, channel: string): Map<string, ChannelAttributeValue> {
    const rows = this.stmt.selectAttrs.all(appId, channel) as AttrRow[];
    return new Map(rows.map((r) => [r.key, { value: r.value, lastUpdateUserId: r.updated_by, lastUpdateTs: r.updated_at }]));
  }

  override changeChannelAttributes(
    appId: string,
    channel: string,
    change: AttributeChange,
    stamp: { by: string; ts: number },
    limits: AttributeTotals,
  ): Promise<Record<string, ChannelAttributeValue> | 'overflow'> {
    const wrap = (value: string): ChannelAttributeValue => ({ value, lastUpdateUserId: stamp.by, lastUpdateTs: stamp.ts });
    const result = this.db.transaction(() => {
      const next = applyChange(this.readAttrs(appId, channel), change, wrap, (v) => v.value, limits);
      if (!next) return 'overflow' as const;
      this.stmt.deleteAttrs.run(appId, channel);
      for (const [k, v] of next) this.stmt.insertAttr.run(appId, channel, k, v.value, v.lastUpdateUserId, v.lastUpdateTs);
      return Object.fromEntries(next);
    })();
    return Promise.resolve(result);
  }

  override getChannelAttributes(appId: string, channel: string): Promise<Record<string, ChannelAttributeValue>> {
    return Promise.resolve(Object.fromEntries(this.readAttrs(appId, channel)));
  }

  override async clearChannelAttributesIfEmpty(appId: string, channel: string): Promise<boolean> {
    const counts = await this.channelCounts(appId, [channel]);
    if ((counts[channel] ?? 0) > 0) return false;
    return this.stmt.deleteAttrs.run(appId, channel).changes > 0;
  }

  override close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
