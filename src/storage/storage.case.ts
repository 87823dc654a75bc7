// The one conformance suite every Storage backend runs (SQLite now, etcd later):
// `runStorageSuite('sqlite', () => new SqliteStorage(...))` from the backend's test file.

import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import type { KubeObject } from '../api/object.js';
import { isStorageError, type Storage, type StorageEvent } from './interface.js';

function obj(name: string, data: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

async function collect(
  iter: AsyncIterable<StorageEvent>,
  count: number,
  timeoutMs = 2000,
): Promise<StorageEvent[]> {
  const out: StorageEvent[] = [];
  const it = iter[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const r = await Promise.race([
      it.next(),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), left)),
    ]);
    if (r === 'timeout' || r.done) break;
    out.push(r.value);
  }
  return out;
}

export function runStorageSuite(name: string, open: () => Promise<Storage> | Storage): void {
  describe(`Storage conformance: ${name}`, () => {
    let store: Storage;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates and gets an object with its revision as resourceVersion', async () => {
      const created = await store.create('/registry/configmaps/default/a', obj('a', { k: 'v' }));
      assert.ok(created.revision > 0);
      assert.equal(created.value.metadata.resourceVersion, String(created.revision));
      assert.equal(created.createRevision, created.revision);
      const got = await store.get('/registry/configmaps/default/a');
      assert.deepEqual(got?.value, created.value);
      assert.equal(await store.get('/registry/configmaps/default/missing'), undefined);
    });

    it('refuses to create a key twice', async () => {
      await store.create('/registry/configmaps/default/a', obj('a'));
      await assert.rejects(store.create('/registry/configmaps/default/a', obj('a')), (e) => isStorageError(e, 'KeyExists'));
    });

    it('gives every write a higher global revision', async () => {
      const a = await store.create('/registry/configmaps/default/a', obj('a'));
      const b = await store.create('/registry/secrets/default/b', obj('b'));
      const a2 = await store.update('/registry/configmaps/default/a', a.revision, obj('a', { x: '1' }));
      assert.ok(b.revision > a.revision);
      assert.ok(a2.revision > b.revision);
      assert.equal(a2.createRevision, a.revision);
      assert.equal(await store.currentRevision(), a2.revision);
    });

    it('updates only at the expected revision (compare and swap)', async () => {
      const a = await store.create('/registry/configmaps/default/a', obj('a'));
      await store.update('/registry/configmaps/default/a', a.revision, obj('a', { n: '1' }));
      await assert.rejects(
        store.update('/registry/configmaps/default/a', a.revision, obj('a', { n: '2' })),
        (e) => isStorageError(e, 'Conflict'),
      );
      await assert.rejects(store.update('/registry/configmaps/default/zz', 1, obj('zz')), (e) => isStorageError(e, 'NotFound'));
      const got = await store.get('/registry/configmaps/default/a');
      assert.deepEqual(got?.value.data, { n: '1' });
    });

    it('lets exactly one of two concurrent updates at one revision win', async () => {
      const a = await store.create('/registry/configmaps/default/a', obj('a'));
      const results = await Promise.allSettled([
        store.update('/registry/configmaps/default/a', a.revision, obj('a', { w: '1' })),
        store.update('/registry/configmaps/default/a', a.revision, obj('a', { w: '2' })),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it('deletes, with an optional revision precondition, and can recreate', async () => {
      const a = await store.create('/registry/configmaps/default/a', obj('a'));
      await assert.rejects(store.delete('/registry/configmaps/default/a', a.revision + 100), (e) => isStorageError(e, 'Conflict'));
      const deleted = await store.delete('/registry/configmaps/default/a', a.revision);
      assert.ok(deleted.revision > a.revision);
      assert.equal(await store.get('/registry/configmaps/default/a'), undefined);
      await assert.rejects(store.delete('/registry/configmaps/default/a'), (e) => isStorageError(e, 'NotFound'));
      const again = await store.create('/registry/configmaps/default/a', obj('a'));
      assert.equal(again.createRevision, again.revision);
    });

    it('lists by prefix in key order, with limit and continuation', async () => {
      for (const n of ['c', 'a', 'b', 'd']) await store.create(`/registry/configmaps/default/${n}`, obj(n));
      await store.create('/registry/configmaps/other/a', obj('a'));
      await store.create('/registry/configmapsx/default/a', obj('a'));
      const all = await store.list('/registry/configmaps/');
      assert.deepEqual(
        all.items.map((i) => i.key),
        ['/registry/configmaps/default/a', '/registry/configmaps/default/b', '/registry/configmaps/default/c', '/registry/configmaps/default/d', '/registry/configmaps/other/a'],
      );
      const page1 = await store.list('/registry/configmaps/default/', { limit: 3 });
      assert.equal(page1.items.length, 3);
      assert.equal(page1.continueAfter, '/registry/configmaps/default/c');
      const page2 = await store.list('/registry/configmaps/default/', { limit: 3, afterKey: page1.continueAfter, revision: page1.revision });
      assert.deepEqual(page2.items.map((i) => i.value.metadata.name), ['d']);
      assert.equal(page2.continueAfter, undefined);
    });

    it('applies the filter before the limit', async () => {
      for (let i = 0; i < 10; i++) await store.create(`/registry/configmaps/default/n${i}`, obj(`n${i}`, { even: String(i % 2 === 0) }));
      const page = await store.list('/registry/configmaps/', { limit: 2, filter: (v) => (v.data as Record<string, string>).even === 'true' });
      assert.deepEqual(page.items.map((i) => i.value.metadata.name), ['n0', 'n2']);
      const rest = await store.list('/registry/configmaps/', { afterKey: page.continueAfter, filter: (v) => (v.data as Record<string, string>).even === 'true' });
      assert.deepEqual(rest.items.map((i) => i.value.metadata.name), ['n4', 'n6', 'n8']);
    });

    it('reads and lists at an older revision', async () => {
      const a = await store.create('/registry/configmaps/default/a', obj('a', { v: '1' }));
      const b = await store.create('/registry/configmaps/default/b', obj('b'));
      await store.update('/registry/configmaps/default/a', a.revision, obj('a', { v: '2' }));
      await store.delete('/registry/configmaps/default/b');
      const old = await store.get('/registry/configmaps/default/a', b.revision);
      assert.deepEqual(old?.value.data, { v: '1' });
      assert.equal(old?.value.metadata.resourceVersion, String(a.revision));
      const listed = await store.list('/registry/configmaps/', { revision: b.revision });
      assert.deepEqual(listed.items.map((i) => i.value.metadata.name), ['a', 'b']);
      assert.deepEqual(listed.items[0].value.data, { v: '1' });
      const now = await store.list('/registry/configmaps/');
      assert.deepEqual(now.items.map((i) => i.value.metadata.name), ['a']);
    });

    it('pages at an older revision while keys change after it', async () => {
      const created = new Map<string, number>();
      for (const n of ['a', 'b', 'c', 'd', 'e']) created.set(n, (await store.create(`/registry/configmaps/default/${n}`, obj(n, { v: '1' }))).revision);
      const page1 = await store.list('/registry/configmaps/default/', { limit: 1 });
      await store.update('/registry/configmaps/default/b', created.get('b')!, obj('b', { v: '2' }));
      await store.delete('/registry/configmaps/default/c');
      await store.delete('/registry/configmaps/default/d');
      await store.create('/registry/configmaps/default/d', obj('d', { v: '3' }));
      await store.create('/registry/configmaps/default/bb', obj('bb'));
      const page2 = await store.list('/registry/configmaps/default/', { limit: 3, afterKey: page1.continueAfter, revision: page1.revision });
      assert.deepEqual(
        page2.items.map((i) => [i.value.metadata.name, (i.value.data as Record<string, string>).v, i.revision, i.value.metadata.resourceVersion]),
        ['b', 'c', 'd'].map((n) => [n, '1', created.get(n), String(created.get(n))]),
      );
      const page3 = await store.list('/registry/configmaps/default/', { limit: 3, afterKey: page2.continueAfter, revision: page1.revision });
      assert.deepEqual(page3.items.map((i) => [i.value.metadata.name, i.revision]), [['e', created.get('e')]]);
      assert.equal(page3.continueAfter, undefined);
    });

    it('pages a filtered list at an older revision past keys the filter rejects and keys deleted since', async () => {
      for (let i = 0; i < 30; i++) await store.create(`/registry/configmaps/default/n${String(i).padStart(2, '0')}`, obj(`n${i}`, { keep: String(i % 7 === 0) }));
      const at = await store.currentRevision();
      await store.delete('/registry/configmaps/default/n07');
      const keep = (v: KubeObject) => (v.data as Record<string, string>).keep === 'true';
      const page1 = await store.list('/registry/configmaps/default/', { limit: 2, filter: keep, revision: at });
      assert.deepEqual(page1.items.map((i) => i.value.metadata.name), ['n0', 'n7']);
      const page2 = await store.list('/registry/configmaps/default/', { limit: 2, filter: keep, revision: at, afterKey: page1.continueAfter });
      assert.deepEqual(page2.items.map((i) => i.value.metadata.name), ['n14', 'n21']);
      const page3 = await store.list('/registry/configmaps/default/', { limit: 2, filter: keep, revision: at, afterKey: page2.continueAfter });
      assert.deepEqual(page3.items.map((i) => i.value.metadata.name), ['n28']);
      assert.equal(page3.continueAfter, undefined);
    });

    it('watches from a revision: replay, then live events, with previous values', async () => {
      const a = await store.create('/registry/configmaps/default/a', obj('a', { v: '1' }));
      const ac = new AbortController();
      const events = store.watch('/registry/configmaps/', { sinceRevision: 0, signal: ac.signal });
      const collecting = collect(events, 4);
      await store.create('/registry/secrets/default/s', obj('s'));
      const a2 = await store.update('/registry/configmaps/default/a', a.revision, obj('a', { v: '2' }));
      await store.create('/registry/configmaps/default/b', obj('b'));
      const del = await store.delete('/registry/configmaps/default/a');
      const got = await collecting;
      ac.abort();
      assert.deepEqual(got.map((e) => e.type), ['ADDED', 'MODIFIED', 'ADDED', 'DELETED']);
      const modified = got[1] as Extract<StorageEvent, { key: string }>;
      assert.equal(modified.revision, a2.revision);
      assert.deepEqual(modified.prevValue?.data, { v: '1' });
      const deleted = got[3] as Extract<StorageEvent, { key: string }>;
      assert.equal(deleted.revision, del.revision);
      assert.equal(deleted.value.metadata.resourceVersion, String(del.revision));
      assert.deepEqual(deleted.value.data, { v: '2' });
    });

    it('watches only what follows the given revision', async () => {
      await store.create('/registry/configmaps/default/a', obj('a'));
      const b = await store.create('/registry/configmaps/default/b', obj('b'));
      await store.create('/registry/configmaps/default/c', obj('c'));
      const ac = new AbortController();
      const got = await collect(store.watch('/registry/configmaps/default/', { sinceRevision: b.revision, signal: ac.signal }), 5, 300);
      ac.abort();
      assert.deepEqual(got.map((e) => (e.type === 'PROGRESS' ? 'P' : e.value.metadata.name)), ['c']);
    });

    it('ends a watch when its signal aborts', async () => {
      const ac = new AbortController();
      const it = store.watch('/registry/', { sinceRevision: await store.currentRevision(), signal: ac.signal })[Symbol.asyncIterator]();
      const next = it.next();
      ac.abort();
      assert.equal((await next).done, true);
    });

    it('releases a watch whose consumer stops early, though its signal lives on', async () => {
      // An informer re-watches under one long-lived signal: each ended watch must let go of it.
      const ac = new AbortController();
      for (let i = 0; i < 20; i++) {
        const events = store.watch('/registry/configmaps/', { sinceRevision: await store.currentRevision(), signal: ac.signal, progressIntervalMs: 10 });
        const created = store.create(`/registry/configmaps/default/early-${i}`, obj(`early-${i}`));
        for await (const e of events) {
          assert.equal(e.type, 'ADDED');
          break;
        }
        await created;
      }
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
      ac.abort();
    });

    it('sends progress notifications to idle watches', async () => {
      await store.create('/registry/configmaps/default/a', obj('a'));
      const rev = await store.currentRevision();
      const ac = new AbortController();
      const got = await collect(store.watch('/registry/pods/', { sinceRevision: rev, signal: ac.signal, progressIntervalMs: 20 }), 1, 2000);
      ac.abort();
      assert.equal(got[0]?.type, 'PROGRESS');
      assert.ok(got[0].revision >= rev);
    });

    it('compacts history and answers Compacted below it', async () => {
      const a = await store.create('/registry/configmaps/default/a', obj('a', { v: '1' }));
      const a2 = await store.update('/registry/configmaps/default/a', a.revision, obj('a', { v: '2' }));
      const b = await store.create('/registry/configmaps/default/b', obj('b'));
      await store.delete('/registry/configmaps/default/b');
      await store.compact(a2.revision);
      assert.equal(await store.compactedRevision(), a2.revision);
      await assert.rejects(store.get('/registry/configmaps/default/a', a.revision), (e) => isStorageError(e, 'Compacted'));
      await assert.rejects(
        collect(store.watch('/registry/', { sinceRevision: a.revision, signal: new AbortController().signal }), 1),
        (e) => isStorageError(e, 'Compacted'),
      );
      // The current state survives compaction, and history above it is still readable.
      assert.deepEqual((await store.get('/registry/configmaps/default/a'))?.value.data, { v: '2' });
      assert.equal((await store.get('/registry/configmaps/default/b', b.revision))?.value.metadata.name, 'b');
      const ac = new AbortController();
      const replay = await collect(store.watch('/registry/', { sinceRevision: a2.revision, signal: ac.signal }), 2);
      ac.abort();
      assert.deepEqual(replay.map((e) => e.type), ['ADDED', 'DELETED']);
      // A key deleted and compacted away can be created again.
      await store.compact(await store.currentRevision());
      await store.create('/registry/configmaps/default/b', obj('b'));
    });

    it('keeps many concurrent writes, each acknowledged once committed', async () => {
      const writes = [];
      for (let i = 0; i < 200; i++) writes.push(store.create(`/registry/configmaps/default/n${String(i).padStart(3, '0')}`, obj(`n${i}`)));
      const results = await Promise.all(writes);
      const revisions = new Set(results.map((r) => r.revision));
      assert.equal(revisions.size, 200);
      const listed = await store.list('/registry/configmaps/default/');
      assert.equal(listed.items.length, 200);
    });

    it('does not let callers change stored objects through what they passed in', async () => {
      const value = obj('a', { v: '1' });
      await store.create('/registry/configmaps/default/a', value);
      (value.data as Record<string, string>).v = 'changed';
      assert.deepEqual((await store.get('/registry/configmaps/default/a'))?.value.data, { v: '1' });
    });
  });
}
