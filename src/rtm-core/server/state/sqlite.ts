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
import { StoreError, offlineMessageBytes, type AttributeTotals, type OfflineCaps, type OfflineMessage, type OfflinePeek, type OfflineRefusal, type StoreFailureKind } from './store';

/** A row's size as offlineMessageBytes counts it (UTF-8 bytes of text and description, raw bytes). */
const ROW_BYTES = 'COALESCE(length(CAST(text AS BLOB)), 0) + COALESCE(length(raw), 0) + COALESCE(length(CAST(description AS BLOB)), 0)';

/** How long one statement may wait for a lock held by another process: the event loop waits with it. */
const BUSY_TIMEOUT_MS = 25;

function kindOf(err: unknown): StoreFailureKind {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return 'other';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_FULL')) return 'full';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY')) return 'io';
  return 'other';
}

/** Runs one synchronous database operation; a failure becomes a rejected promise of a StoreError, never a throw. */
function run<T>(operation: string, fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(new StoreError(kindOf(err), operation, { cause: err }));
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS offline_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  app TEXT NOT NULL, uid TEXT NOT NULL, sender TEXT NOT NULL,
  type TEXT NOT NULL, text TEXT, raw BLOB, description TEXT,
  ts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS offline_by_receiver ON offline_messages (app, uid, id);
CREATE INDEX IF NOT EXISTS offline_by_sender ON offline_messages (app, sender);
CREATE INDEX IF NOT EXISTS offline_by_time ON offline_messages (ts);
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
  /** The cache's size, kept in step with every insert and delete (read once at open). */
  private cached: { messages: number; bytes: number };

  /** Opens (creating if needed) `sig2rtm.db` in `dataDir`. */
  constructor(dataDir: string) {
    super();
    fs.mkdirSync(dataDir, { recursive: true });
    // A short busy timeout: better-sqlite3 waits for a lock synchronously (5 s by default), blocking
    // every client; a busy database is reported instead, and the caller retries or answers an error.
    this.db = new Database(path.join(dataDir, 'sig2rtm.db'), { timeout: BUSY_TIMEOUT_MS });
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
      countBySender: this.db.prepare('SELECT COUNT(*) AS n FROM offline_messages WHERE app = ? AND sender = ?'),
      totals: this.db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(${ROW_BYTES}), 0) AS bytes FROM offline_messages`),
      sizeOfTrim: this.db.prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(${ROW_BYTES}), 0) AS bytes FROM (SELECT * FROM offline_messages WHERE app = ? AND uid = ? ORDER BY id LIMIT ?)`,
      ),
      sizeOfRemove: this.db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(${ROW_BYTES}), 0) AS bytes FROM offline_messages WHERE app = ? AND uid = ? AND id <= ?`),
      sizeOfExpired: this.db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(${ROW_BYTES}), 0) AS bytes FROM offline_messages WHERE ts <= ?`),
      deleteExpired: this.db.prepare('DELETE FROM offline_messages WHERE ts <= ?'),
      sizeOfRow: this.db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(${ROW_BYTES}), 0) AS bytes FROM offline_messages WHERE app = ? AND uid = ? AND id = ?`),
      deleteRow: this.db.prepare('DELETE FROM offline_messages WHERE app = ? AND uid = ? AND id = ?'),
    };
    const t = this.stmt.totals.get() as { n: number; bytes: number };
    this.cached = { messages: t.n, bytes: t.bytes };
  }

  override keepOffline(appId: string, uid: string, message: OfflineMessage, max: number, caps?: OfflineCaps): Promise<number | OfflineRefusal | undefined> {
    const m = message.msg;
    const bytes = offlineMessageBytes(message);
    return run('enqueueOffline', () => this.db.transaction((): number | OfflineRefusal | undefined => {
      if (m.type === 'CALL') return undefined; // call signals are never cached
      if (caps && (this.stmt.countBySender.get(appId, message.from) as { n: number }).n >= caps.perSender) return 'sender-limit';
      if (caps && this.cached.bytes + bytes > caps.totalBytes) return 'cache-full';
      const row = m.type === 'TEXT'
        ? this.stmt.insertOffline.run(appId, uid, message.from, 'TEXT', m.text, null, null, message.ts)
        : this.stmt.insertOffline.run(appId, uid, message.from, 'RAW', null, Buffer.from(m.raw), m.desc, message.ts);
      this.counted(1, bytes);
      const { n } = this.stmt.countOffline.get(appId, uid) as { n: number };
      if (n > max) {
        const gone = this.stmt.sizeOfTrim.get(appId, uid, n - max) as { n: number; bytes: number };
        this.stmt.trimOffline.run(appId, uid, n - max);
        this.counted(-gone.n, -gone.bytes);
      }
      return Number(row.lastInsertRowid);
    })());
  }

  override removeOfflineRows(appId: string, uid: string, rows: readonly number[]): Promise<void> {
    return run('removeOffline', () => this.db.transaction(() => {
      for (const id of rows) {
        const gone = this.stmt.sizeOfRow.get(appId, uid, id) as { n: number; bytes: number };
        if (gone.n === 0) continue;
        this.stmt.deleteRow.run(appId, uid, id);
        this.counted(-gone.n, -gone.bytes);
      }
    })());
  }

  private counted(messages: number, bytes: number): void {
    this.cached = { messages: this.cached.messages + messages, bytes: this.cached.bytes + bytes };
  }

  override sweepOffline(now: number, maxAgeMs: number): Promise<number> {
    return run('sweepOffline', () => this.db.transaction(() => {
      const gone = this.stmt.sizeOfExpired.get(now - maxAgeMs) as { n: number; bytes: number };
      if (gone.n === 0) return 0;
      this.stmt.deleteExpired.run(now - maxAgeMs);
      this.counted(-gone.n, -gone.bytes);
      return gone.n;
    })());
  }

  override offlineStats(): Promise<{ messages: number; bytes: number }> {
    return Promise.resolve({ ...this.cached });
  }

  override peekOffline(appId: string, uid: string, now: number, maxAgeMs: number): Promise<OfflinePeek> {
    return run('peekOffline', () => this.peekRows(appId, uid, now, maxAgeMs));
  }

  private peekRows(appId: string, uid: string, now: number, maxAgeMs: number): OfflinePeek {
    const rows = this.stmt.selectOffline.all(appId, uid) as OfflineRow[];
    const messages: OfflineMessage[] = [];
    const ids: number[] = [];
    for (const r of rows) {
      if (now - r.ts >= maxAgeMs) continue;
      const msg: WireMessage =
        r.type === 'RAW'
          ? { type: 'RAW', raw: new Uint8Array(r.raw ?? Buffer.alloc(0)), desc: r.description ?? '' }
          : { type: 'TEXT', text: r.text ?? '' };
      messages.push({ from: r.sender, msg, ts: r.ts });
      ids.push(r.id);
    }
    return { messages, upTo: rows[rows.length - 1]?.id ?? 0, rows: ids };
  }

  override removeOffline(appId: string, uid: string, upTo: number): Promise<void> {
    return run('removeOffline', () => this.db.transaction(() => {
      const gone = this.stmt.sizeOfRemove.get(appId, uid, upTo) as { n: number; bytes: number };
      this.stmt.deleteOffline.run(appId, uid, upTo);
      this.counted(-gone.n, -gone.bytes);
    })());
  }

  override channelsWithAttributes(): Promise<{ appId: string; channel: string }[]> {
    return run('channelsWithAttributes', () => (this.stmt.channelsWithAttrs.all() as { app: string; channel: string }[]).map((r) => ({ appId: r.app, channel: r.channel })));
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
    return run('changeChannelAttributes', () => this.db.transaction(() => {
      const next = applyChange(this.readAttrs(appId, channel), change, wrap, (v) => v.value, limits);
      if (!next) return 'overflow' as const;
      this.stmt.deleteAttrs.run(appId, channel);
      for (const [k, v] of next) this.stmt.insertAttr.run(appId, channel, k, v.value, v.lastUpdateUserId, v.lastUpdateTs);
      return Object.fromEntries(next);
    })());
  }

  override getChannelAttributes(appId: string, channel: string): Promise<Record<string, ChannelAttributeValue>> {
    return run('getChannelAttributes', () => Object.fromEntries(this.readAttrs(appId, channel)));
  }

  override async clearChannelAttributesIfEmpty(appId: string, channel: string): Promise<boolean> {
    const counts = await this.channelCounts(appId, [channel]);
    if ((counts[channel] ?? 0) > 0) return false;
    return run('clearChannelAttributes', () => this.stmt.deleteAttrs.run(appId, channel).changes > 0);
  }

  override close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
