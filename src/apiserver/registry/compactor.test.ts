import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStorage } from '../../storage/sqlite/sqlite-storage.js';
import { Compactor } from './compactor.js';

describe('Compactor', () => {
  it('compacts to the revision seen one round earlier, keeping a floor of revisions', async () => {
    const store = new SqliteStorage({ path: ':memory:' });
    const c = new Compactor(store, () => {}, { intervalMs: 1000, minRetainedRevisions: 5 });
    for (let i = 0; i < 20; i++) await store.create(`/registry/configmaps/default/c${i}`, { metadata: { name: `c${i}` } });
    await c.tick(); // remembers revision 20, compacts nothing yet
    assert.equal(await store.compactedRevision(), 0);
    for (let i = 20; i < 40; i++) await store.create(`/registry/configmaps/default/c${i}`, { metadata: { name: `c${i}` } });
    await c.tick(); // compacts to 20 (40 - 5 would allow more, but only what was seen a round ago)
    assert.equal(await store.compactedRevision(), 20);
    await c.tick(); // now 40 was seen; the floor keeps the last 5
    assert.equal(await store.compactedRevision(), 35);
    await store.close();
  });
});
