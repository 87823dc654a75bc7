import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runStorageSuite } from '../storage.case.js';
import { SqliteStorage } from './sqlite-storage.js';

runStorageSuite('sqlite (memory)', () => new SqliteStorage({ path: ':memory:', freeze: true }));
const suiteDirs: string[] = [];
process.on('exit', () => suiteDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
runStorageSuite('sqlite (file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelite-store-'));
  suiteDirs.push(dir);
  return new SqliteStorage({ path: join(dir, 'state.db'), freeze: true });
});

describe('SqliteStorage on disk', () => {
  it('keeps state, history and the compacted revision across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelite-store-'));
    const path = join(dir, 'state.db');
    let store = new SqliteStorage({ path });
    const a = await store.create('/registry/configmaps/default/a', { metadata: { name: 'a' }, data: { v: '1' } });
    const a2 = await store.update('/registry/configmaps/default/a', a.revision, { metadata: { name: 'a' }, data: { v: '2' } });
    await store.create('/registry/configmaps/default/b', { metadata: { name: 'b' } });
    await store.delete('/registry/configmaps/default/b');
    await store.compact(a.revision);
    await store.close();

    store = new SqliteStorage({ path });
    assert.equal(await store.compactedRevision(), a.revision);
    const got = await store.get('/registry/configmaps/default/a');
    assert.equal(got?.revision, a2.revision);
    assert.equal(await store.get('/registry/configmaps/default/b'), undefined);
    const next = await store.create('/registry/configmaps/default/c', { metadata: { name: 'c' } });
    assert.ok(next.revision > a2.revision, 'revisions keep growing after a restart');
    await store.close();
    rmSync(dir, { recursive: true });
  });

  it('refuses a second open of the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelite-store-'));
    const path = join(dir, 'state.db');
    const store = new SqliteStorage({ path });
    assert.throws(() => new SqliteStorage({ path }));
    await store.close();
    rmSync(dir, { recursive: true });
  });

  it('loses no acknowledged write when the process is killed with SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelite-store-'));
    const path = join(dir, 'state.db');
    // A child writes as fast as it can and prints each acknowledged key; we kill it mid-stream.
    const script = `
      import { SqliteStorage } from ${JSON.stringify(new URL('./sqlite-storage.ts', import.meta.url).href)};
      const store = new SqliteStorage({ path: ${JSON.stringify(path)} });
      let i = 0;
      for (;;) {
        const batch = [];
        for (let j = 0; j < 20; j++, i++) {
          const key = '/registry/configmaps/default/k' + i;
          batch.push(store.create(key, { metadata: { name: 'k' + i } }).then(() => process.stdout.write(key + '\\n')));
        }
        await Promise.all(batch);
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        acked.push(...lines);
        if (acked.length >= 2000) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const store = new SqliteStorage({ path });
    const listed = await store.list('/registry/configmaps/default/');
    const present = new Set(listed.items.map((i) => i.key));
    const lost = acked.filter((k) => !present.has(k));
    assert.deepEqual(lost, []);
    await store.close();
    rmSync(dir, { recursive: true });
  });
});

describe('SqliteStorage watch delivery', () => {
  it('hands a group commit\'s events to its watchers before it acknowledges the writers', async () => {
    const store = new SqliteStorage({ path: ':memory:', freeze: true });
    const ac = new AbortController();
    // A watcher with a few awaits per event, as the API server's watch streams have.
    const seen = new Set<string>();
    const consuming = (async () => {
      for await (const e of store.watch('/registry/configmaps/', { sinceRevision: await store.currentRevision(), signal: ac.signal })) {
        await Promise.resolve();
        await Promise.resolve();
        if (e.type !== 'PROGRESS') seen.add(e.key);
      }
    })();
    // Fifty creates in one event-loop turn share one commit; as each is acknowledged, the
    // watcher already holds every event of that commit.
    const missing: string[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const key = `/registry/configmaps/default/c${i}`;
        await store.create(key, { metadata: { name: `c${i}` } });
        if (!seen.has(key)) missing.push(key);
      }),
    );
    assert.deepEqual(missing, []);
    ac.abort();
    await consuming;
    await store.close();
  });
});
