// The default store: a revision log in SQLite, in the manner of k3s's kine. One row per
// change; the row id is the global revision. Creates, updates and deletes append rows; a
// unique index on (name, prev_revision) makes two writers on one revision collide.
//
// Durability: WAL and group commit: every write made in one turn of the event loop joins one
// transaction, committed before any of them is acknowledged. Reads and watches only ever see
// committed rows. With synchronous=NORMAL (the default) a commit is in the WAL file, in the
// operating system's hands, when the write is acknowledged: a killed process (kill -9, a
// crash) loses nothing acknowledged, but a power loss or kernel panic may lose the last
// commits (the database itself stays consistent). synchronous=FULL also fsyncs the WAL on
// every commit, which survives power loss and costs the event loop the fsync (on the
// benchmark machine, ~0.1-0.3 ms per commit, a third of a lone create's time).
//
// The current state of every key is also held in memory, so gets, current lists and CAS checks
// never touch the disk; history (old revisions, watch replay) is read from the table.

import Database from 'better-sqlite3';
import type { Database as DB, Statement } from 'better-sqlite3';
import type { KubeObject } from '../../api/object.js';
import { Channel } from '../../machinery/channel.js';
import { internShared, sharedInterner } from '../interning.js';
import { isPlainJson, markStored, storedJson } from '../stored-json.js';
import {
  StorageError,
  prefixEnd,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageEvent,
  type StoredObject,
  type WatchOptions,
} from '../interface.js';

export interface SqliteStorageOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** Deep-freeze values handed out, to catch callers that change shared objects (tests). */
  freeze?: boolean;
  /** Watch channel capacity before a slow watcher is cut off. */
  watchCapacity?: number;
  /**
   * 'normal' (default): acknowledged writes survive the process being killed, not a power
   * loss. 'full': they survive both; every commit waits for an fsync. See the module comment.
   */
  synchronous?: 'normal' | 'full';
}

/** How a write may treat the value it is given. */
export interface WriteOptions {
  /**
   * The caller hands the value over: neither it nor anything reachable from it will be
   * changed again by anyone. The store then keeps that very object (setting its
   * metadata.resourceVersion) instead of a copy of it. Values that are not plain JSON data
   * are copied anyway.
   */
  owned?: boolean;
}

interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer | null;
  old_value: Buffer | null;
}

interface Entry {
  revision: number;
  createRevision: number;
  value: KubeObject;
}

interface PendingWrite {
  key: string;
  revision: number;
  /** undefined for a delete */
  entry: Entry | undefined;
  prev: Entry | undefined;
  resolve: (o: StoredObject) => void;
  reject: (e: unknown) => void;
  result: StoredObject;
}

interface Watcher {
  prefix: string;
  channel: Channel<StorageEvent>;
}

/** Keys grouped by their "directory" (all but the last segment), each sorted lazily. */
class KeyIndex {
  private dirs = new Map<string, { keys: Set<string>; sorted: string[] | undefined }>();
  /** The directory names in order, kept until one comes or goes (every list walks them). */
  private sortedDirs: string[] | undefined;

  private static dirOf(key: string): string {
    return key.slice(0, key.lastIndexOf('/') + 1);
  }

  add(key: string): void {
    const dir = KeyIndex.dirOf(key);
    let d = this.dirs.get(dir);
    if (!d) {
      this.dirs.set(dir, (d = { keys: new Set(), sorted: undefined }));
      this.sortedDirs = undefined;
    }
    if (!d.keys.has(key)) {
      d.keys.add(key);
      d.sorted = undefined;
    }
  }

  remove(key: string): void {
    const dir = KeyIndex.dirOf(key);
    const d = this.dirs.get(dir);
    if (!d || !d.keys.delete(key)) return;
    d.sorted = undefined;
    if (d.keys.size === 0) {
      this.dirs.delete(dir);
      this.sortedDirs = undefined;
    }
  }

  /** Keys starting with prefix, in order, starting after `after` when given. */
  *range(prefix: string, after?: string): Generator<string> {
    this.sortedDirs ??= [...this.dirs.keys()].sort();
    for (const dirName of this.sortedDirs) {
      if (!dirName.startsWith(prefix) && !prefix.startsWith(dirName)) continue;
      const d = this.dirs.get(dirName)!;
      if (!d.sorted) d.sorted = [...d.keys].sort(compareKeys);
      const keys = d.sorted;
      let i = 0;
      if (after !== undefined && compareKeys(after, dirName) >= 0) i = upperBound(keys, after);
      for (; i < keys.length; i++) {
        const k = keys[i];
        if (k.startsWith(prefix)) yield k;
      }
    }
  }

  count(prefix: string): number {
    let n = 0;
    for (const [dir, d] of this.dirs) {
      if (dir.startsWith(prefix)) n += d.keys.size;
      else if (prefix.startsWith(dir)) for (const k of d.keys) if (k.startsWith(prefix)) n++;
    }
    return n;
  }
}

/** Byte order, as etcd and SQLite's BINARY collation sort keys. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function upperBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v as object)) deepFreeze(child);
  }
  return v;
}

export class SqliteStorage implements Storage {
  private db: DB;
  private current = new Map<string, Entry>();
  /** Shares labels, annotations and managedFields trees that stored objects hold alike. */
  private interner = sharedInterner;
  private keys = new KeyIndex();
  private committedRevision = 0;
  /** The newest revision given to a write, committed or not. */
  private lastRevision = 0;
  private compactRevision = 0;
  private watchers = new Set<Watcher>();
  private closed = false;

  // Group commit: the open transaction and the writes waiting on it.
  private batch: PendingWrite[] | undefined;
  private batchDone: Promise<void> | undefined;
  private batchLatest = new Map<string, Entry | null>();

  private stmts: {
    insert: Statement;
    lastRow: Statement;
    getAt: Statement;
    historyFrom: Statement;
    listAt: Statement;
    rowById: Statement;
    compactPrev: Statement;
    compactDeleted: Statement;
    setMeta: Statement;
  };

  constructor(private readonly options: SqliteStorageOptions) {
    this.db = new Database(options.path, { timeout: 250 });
    if (options.path !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      // Refuse a second server on the same data directory: our in-memory state assumes one writer.
      this.db.pragma('locking_mode = EXCLUSIVE');
    }
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS kine (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        create_revision INTEGER NOT NULL,
        prev_revision INTEGER NOT NULL,
        lease INTEGER NOT NULL DEFAULT 0,
        value BLOB,
        old_value BLOB
      );
      CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name, id);
      CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision);
      CREATE TABLE IF NOT EXISTS kine_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    // Taking the exclusive lock now (a write) makes a second process fail at open, not later.
    this.db.exec(`INSERT OR IGNORE INTO kine_meta(key, value) VALUES ('compact_revision', 0)`);
    this.stmts = {
      // The id (the revision) is chosen here, not by SQLite: the row's JSON carries it as
      // metadata.resourceVersion, so the text written is the text clients get.
      insert: this.db.prepare(
        `INSERT INTO kine(id, name, created, deleted, create_revision, prev_revision, value, old_value)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      lastRow: this.db.prepare(`SELECT MAX(id) AS id FROM kine WHERE name = ?`),
      getAt: this.db.prepare(`SELECT * FROM kine WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`),
      historyFrom: this.db.prepare(`SELECT * FROM kine WHERE id > ? AND name >= ? AND name < ? ORDER BY id`),
      // Only (name, revision) pairs, read from the index: a page then fetches just the rows it
      // returns. Joining the values in here made SQLite sort every remaining row, blobs and all,
      // before the first one came back, so each page of an old-revision list cost the whole list.
      // Read in chunks (LIMIT): all remaining names at once made each of the 200 pages of
      // `kubectl get pods -A` over 100,000 pods read the rest of the list.
      listAt: this.db
        .prepare(`SELECT name, MAX(id) AS id FROM kine WHERE name >= ? AND name < ? AND id <= ? GROUP BY name ORDER BY name LIMIT ?`)
        .raw(),
      rowById: this.db.prepare(`SELECT * FROM kine WHERE id = ?`),
      compactPrev: this.db.prepare(
        `DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE prev_revision != 0 AND id <= ?)`,
      ),
      compactDeleted: this.db.prepare(`DELETE FROM kine WHERE deleted = 1 AND id <= ?`),
      setMeta: this.db.prepare(`INSERT OR REPLACE INTO kine_meta(key, value) VALUES (?, ?)`),
    };
    this.load();
  }

  private load(): void {
    const meta = this.db.prepare(`SELECT value FROM kine_meta WHERE key = 'compact_revision'`).get() as
      | { value: number }
      | undefined;
    this.compactRevision = meta?.value ?? 0;
    const max = this.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kine'`).get() as { seq: number } | undefined;
    this.committedRevision = Math.max(max?.seq ?? 0, this.compactRevision);
    this.lastRevision = this.committedRevision;
    const rows = this.db
      .prepare(
        `SELECT k.* FROM kine k JOIN (SELECT MAX(id) AS id FROM kine GROUP BY name) m ON k.id = m.id
         WHERE k.deleted = 0`,
      )
      .all() as Row[];
    for (const row of rows) {
      const value = this.decode(row.value!, row.id);
      this.current.set(row.name, { revision: row.id, createRevision: row.create_revision, value });
      this.keys.add(row.name);
    }
  }

  private decode(buf: Buffer, revision: number): KubeObject {
    const value = JSON.parse(buf.toString('utf8')) as KubeObject;
    value.metadata = value.metadata ?? {};
    value.metadata.resourceVersion = String(revision);
    internShared(value, this.interner);
    markStored(value);
    return this.options.freeze ? deepFreeze(value) : value;
  }

  /**
   * The value to keep for a write at `revision` and its JSON text, which is also the row's:
   * metadata.resourceVersion is the revision, the last key of metadata (where decode puts it).
   * An owned value of plain data is kept as it is; anything else is copied through its text.
   */
  private stored(value: KubeObject, revision: number, owned: boolean): { value: KubeObject; json: string } {
    const rv = String(revision);
    if (owned && isPlainJson(value)) {
      const m = value.metadata ?? (value.metadata = {});
      delete m.resourceVersion;
      m.resourceVersion = rv;
      const json = JSON.stringify(value);
      internShared(value, this.interner);
      markStored(value, json);
      return { value: this.options.freeze ? deepFreeze(value) : value, json };
    }
    const { resourceVersion: _rv, ...meta } = value.metadata ?? {};
    const json = JSON.stringify({ ...value, metadata: { ...meta, resourceVersion: rv } });
    const copy = JSON.parse(json) as KubeObject;
    internShared(copy, this.interner);
    markStored(copy, json);
    return { value: this.options.freeze ? deepFreeze(copy) : copy, json };
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Unavailable', '', 'storage is closed');
  }

  /** The newest state of key, counting writes not yet committed (for CAS checks only). */
  private latest(key: string): Entry | undefined {
    const pending = this.batchLatest.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.current.get(key);
  }

  /** Waits for the open batch (if any) so reads see only committed state. */
  private async settled(): Promise<void> {
    while (this.batchDone) await this.batchDone;
  }

  private write(key: string, entry: Entry | undefined, prev: Entry | undefined, deleted: boolean, owned = false): Promise<StoredObject> {
    if (!this.batch) {
      this.db.exec('BEGIN IMMEDIATE');
      this.batch = [];
      this.batchDone = new Promise<void>((resolve) => setImmediate(() => this.commit(resolve)));
    }
    const revision = this.lastRevision + 1;
    // A delete's row (and event) holds the last state, at the delete's revision.
    const { value, json } = deleted
      ? this.stored({ ...prev!.value, metadata: { ...prev!.value.metadata } }, revision, true)
      : this.stored(entry!.value, revision, owned);
    // A create after a delete chains onto the tombstone, as kine does, so the unique
    // (name, prev_revision) index still holds while older rows await compaction.
    const prevRevision = prev?.revision ?? ((this.stmts.lastRow.get(key) as { id: number } | undefined)?.id ?? 0);
    this.stmts.insert.run(
      revision,
      key,
      prev ? 0 : 1,
      deleted ? 1 : 0,
      entry?.createRevision ?? prev!.createRevision,
      prevRevision,
      Buffer.from(json, 'utf8'),
      prev ? Buffer.from(storedJson(prev.value), 'utf8') : null,
    );
    this.lastRevision = revision;
    let result: StoredObject;
    let stored: Entry | undefined;
    if (deleted) {
      result = { key, revision, createRevision: prev!.createRevision, value };
    } else {
      const createRevision = prev ? entry!.createRevision : revision;
      stored = { revision, createRevision, value };
      result = { key, revision, createRevision, value };
    }
    this.batchLatest.set(key, stored ?? null);
    return new Promise<StoredObject>((resolve, reject) => {
      this.batch!.push({ key, revision, entry: stored, prev, resolve, reject, result });
    });
  }

  private commit(done: () => void): void {
    const batch = this.batch!;
    this.batch = undefined;
    this.batchLatest.clear();
    try {
      this.db.exec('COMMIT');
    } catch (e) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        /* the transaction may already be gone */
      }
      this.batchDone = undefined;
      this.lastRevision = this.committedRevision;
      done();
      for (const w of batch) w.reject(new StorageError('Unavailable', w.key, `commit failed: ${String(e)}`));
      return;
    }
    for (const w of batch) {
      if (w.entry) {
        this.current.set(w.key, w.entry);
        this.keys.add(w.key);
      } else {
        this.current.delete(w.key);
        this.keys.remove(w.key);
      }
      this.committedRevision = w.revision;
    }
    this.batchDone = undefined;
    done();
    const acknowledge = () => {
      for (const w of batch) w.resolve(w.result);
    };
    if (this.watchers.size === 0) return acknowledge();
    for (const w of batch) this.dispatch(w);
    // Watchers first, writers after. Acknowledged together, each writer's continuation (its
    // response) and each watcher's (its next event) took turns in the microtask queue, so a
    // watcher got the batch's last event only after nearly all of the batch's responses had
    // been built and sent: ~10 ms at 50 clients. A tick queued from a microtask runs once the
    // microtask queue is empty, that is once every watcher has taken (and the API server's
    // watches have written) all it can; the writers' continuations run after it.
    queueMicrotask(() => process.nextTick(acknowledge));
  }

  private dispatch(w: PendingWrite): void {
    const event: StorageEvent = w.entry
      ? {
          type: w.prev ? 'MODIFIED' : 'ADDED',
          key: w.key,
          revision: w.revision,
          value: w.entry.value,
          prevValue: w.prev?.value,
        }
      : { type: 'DELETED', key: w.key, revision: w.revision, value: w.result.value, prevValue: w.prev?.value };
    for (const watcher of this.watchers) {
      if (w.key.startsWith(watcher.prefix)) watcher.channel.push(event);
    }
  }

  async create(key: string, value: KubeObject, options?: WriteOptions): Promise<StoredObject> {
    this.checkOpen();
    const prev = this.latest(key);
    if (prev) throw new StorageError('KeyExists', key, `key exists: ${key}`, prev.revision);
    return this.write(key, { revision: 0, createRevision: 0, value }, undefined, false, options?.owned);
  }

  async update(key: string, expectedRevision: number, value: KubeObject, options?: WriteOptions): Promise<StoredObject> {
    this.checkOpen();
    const prev = this.latest(key);
    if (!prev) throw new StorageError('NotFound', key, `key not found: ${key}`);
    if (prev.revision !== expectedRevision) {
      throw new StorageError('Conflict', key, `revision mismatch: expected ${expectedRevision}, have ${prev.revision}`, prev.revision);
    }
    return this.write(key, { revision: 0, createRevision: prev.createRevision, value }, prev, false, options?.owned);
  }

  async delete(key: string, expectedRevision?: number): Promise<StoredObject> {
    this.checkOpen();
    const prev = this.latest(key);
    if (!prev) throw new StorageError('NotFound', key, `key not found: ${key}`);
    if (expectedRevision !== undefined && prev.revision !== expectedRevision) {
      throw new StorageError('Conflict', key, `revision mismatch: expected ${expectedRevision}, have ${prev.revision}`, prev.revision);
    }
    return this.write(key, undefined, prev, true);
  }

  async get(key: string, revision?: number): Promise<StoredObject | undefined> {
    this.checkOpen();
    await this.settled();
    if (revision === undefined || revision >= this.committedRevision) {
      const e = this.current.get(key);
      return e && { key, revision: e.revision, createRevision: e.createRevision, value: e.value };
    }
    this.checkCompacted(revision, key);
    const row = this.stmts.getAt.get(key, revision) as Row | undefined;
    if (!row || row.deleted) return undefined;
    return { key, revision: row.id, createRevision: row.create_revision, value: this.decode(row.value!, row.id) };
  }

  private checkCompacted(revision: number, key: string): void {
    if (revision <= this.compactRevision && revision !== 0) {
      throw new StorageError('Compacted', key, `revision ${revision} has been compacted`, this.compactRevision);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    await this.settled();
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const filter = options.filter;
    const items: StoredObject[] = [];
    const atRevision = options.revision;
    if (atRevision === undefined || atRevision >= this.committedRevision) {
      const revision = this.committedRevision;
      let more = false;
      for (const key of this.keys.range(prefix, options.afterKey)) {
        const e = this.current.get(key)!;
        if (filter && !filter(e.value)) continue;
        if (items.length >= limit) {
          more = true;
          break;
        }
        items.push({ key, revision: e.revision, createRevision: e.createRevision, value: e.value });
      }
      const result: ListResult = { items, revision };
      if (more) {
        const last = items[items.length - 1].key;
        result.continueAfter = last;
        result.remaining = filter ? undefined : this.countAfter(prefix, last);
      }
      return result;
    }
    this.checkCompacted(atRevision, prefix);
    let more = false;
    for (const [name, id] of this.namesAt(prefix, options.afterKey, atRevision, Number.isFinite(limit) ? limit + 1 : 5000)) {
      if (options.afterKey !== undefined && name <= options.afterKey) continue;
      let item: StoredObject;
      const unchanged = this.current.get(name);
      if (unchanged?.revision === id) {
        // Not written since that revision: the value in memory is the one asked for.
        item = { key: name, revision: id, createRevision: unchanged.createRevision, value: unchanged.value };
      } else {
        const row = this.stmts.rowById.get(id) as Row;
        if (row.deleted) continue;
        item = { key: name, revision: id, createRevision: row.create_revision, value: this.decode(row.value!, id) };
      }
      if (filter && !filter(item.value)) continue;
      if (items.length >= limit) {
        more = true;
        break;
      }
      items.push(item);
    }
    const result: ListResult = { items, revision: atRevision };
    if (more) result.continueAfter = items[items.length - 1].key;
    return result;
  }

  /** (name, revision) of every key under prefix after `afterKey` at `revision`, in order, read `chunk` at a time. */
  private *namesAt(prefix: string, afterKey: string | undefined, revision: number, chunk: number): Generator<[string, number]> {
    const end = prefixEnd(prefix);
    let from = afterKey !== undefined ? afterKey + '\0' : prefix;
    for (;;) {
      const rows = this.stmts.listAt.all(from, end, revision, chunk) as [string, number][];
      yield* rows;
      if (rows.length < chunk) return;
      from = rows[rows.length - 1][0] + '\0';
    }
  }

  private countAfter(prefix: string, after: string): number {
    let n = 0;
    for (const _ of this.keys.range(prefix, after)) n++;
    return n;
  }

  watch(prefix: string, options: WatchOptions): AsyncIterable<StorageEvent> {
    const self = this;
    return {
      [Symbol.asyncIterator]() {
        return self.startWatch(prefix, options)[Symbol.asyncIterator]();
      },
    };
  }

  private startWatch(prefix: string, options: WatchOptions): Channel<StorageEvent> {
    const channel = new Channel<StorageEvent>(this.options.watchCapacity ?? 100_000);
    if (this.closed) {
      channel.fail(new StorageError('Unavailable', prefix, 'storage is closed'));
      return channel;
    }
    const since = options.sinceRevision;
    if (since < this.compactRevision) {
      channel.fail(new StorageError('Compacted', prefix, `revision ${since} has been compacted`, this.compactRevision));
      return channel;
    }
    const watcher: Watcher = { prefix, channel };
    // Replay committed history, then register, with no await between: nothing is missed.
    if (since < this.committedRevision) {
      const rows = this.stmts.historyFrom.all(since, prefix, prefixEnd(prefix)) as Row[];
      for (const row of rows) {
        if (row.id > this.committedRevision) break;
        channel.push(this.rowEvent(row));
      }
    }
    this.watchers.add(watcher);

    let progressTimer: NodeJS.Timeout | undefined;
    let lastActivity = Date.now();
    if (options.progressIntervalMs) {
      const interval = options.progressIntervalMs;
      progressTimer = setInterval(() => {
        if (channel.length === 0 && Date.now() - lastActivity >= interval) {
          channel.push({ type: 'PROGRESS', revision: this.committedRevision });
          lastActivity = Date.now();
        }
      }, Math.max(10, Math.min(interval, 1000)));
      progressTimer.unref();
      const push = channel.push.bind(channel);
      channel.push = (e) => {
        lastActivity = Date.now();
        return push(e);
      };
    }
    // However the watch ends (its signal, its consumer leaving, the store closing), nothing of
    // it stays: the signal may outlive many watches (an informer re-watches under one).
    const stop = () => channel.close();
    channel.onClose(() => {
      this.watchers.delete(watcher);
      if (progressTimer) clearInterval(progressTimer);
      options.signal.removeEventListener('abort', stop);
    });
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', stop, { once: true });
    return channel;
  }

  private rowEvent(row: Row): StorageEvent {
    const prevValue = row.old_value ? this.decode(row.old_value, row.prev_revision) : undefined;
    if (row.deleted) {
      return { type: 'DELETED', key: row.name, revision: row.id, value: this.decode(row.value!, row.id), prevValue };
    }
    return {
      type: row.created ? 'ADDED' : 'MODIFIED',
      key: row.name,
      revision: row.id,
      value: this.decode(row.value!, row.id),
      prevValue,
    };
  }

  async currentRevision(): Promise<number> {
    await this.settled();
    return this.committedRevision;
  }

  async compactedRevision(): Promise<number> {
    return this.compactRevision;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    await this.settled();
    const target = Math.min(revision, this.committedRevision);
    if (target <= this.compactRevision) return;
    this.db.transaction(() => {
      this.stmts.compactPrev.run(target);
      this.stmts.compactDeleted.run(target);
      this.stmts.setMeta.run('compact_revision', target);
    })();
    this.compactRevision = target;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.settled();
    this.closed = true;
    for (const w of this.watchers) w.channel.close();
    this.watchers.clear();
    this.db.close();
  }
}
