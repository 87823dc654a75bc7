import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestControlPlane, until, type TestControlPlane } from '../testing/control-plane.js';

const cms = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } });

describe('watch and list semantics over HTTPS', () => {
  let cp: TestControlPlane;
  before(async () => {
    cp = await startTestControlPlane({ registry: { bookmarkIntervalMs: 100 } });
  });
  after(async () => {
    await cp?.stop();
  });

  it('watches from a resourceVersion: only what followed it', async () => {
    const a = (await cp.request('POST', cms, cm('w-a'))).json<{ metadata: { resourceVersion: string } }>();
    await cp.request('POST', cms, cm('w-b'));
    const w = cp.watch(`${cms}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    await until(() => w.events.length >= 1, 5000, 'w-b');
    await cp.request('DELETE', `${cms}/w-a`);
    await until(() => w.events.length >= 2, 5000, 'delete');
    w.stop();
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w-b'], ['DELETED', 'w-a']]);
  });

  it('without a resourceVersion, starts with the current objects', async () => {
    const w = cp.watch(`${cms}?watch=true&labelSelector=set%3Dinitial`);
    await cp.request('POST', cms, cm('init-1', { set: 'initial' }));
    await until(() => w.events.length >= 1);
    w.stop();
    const again = cp.watch(`${cms}?watch=true&labelSelector=set%3Dinitial`);
    await until(() => again.events.length >= 1);
    again.stop();
    assert.equal(again.events[0].type, 'ADDED');
    assert.equal(again.events[0].object.metadata.name, 'init-1');
  });

  it('reports objects leaving a label selector as DELETED and entering it as ADDED', async () => {
    await cp.request('POST', cms, cm('mover', { stage: 'a' }));
    const w = cp.watch(`${cms}?watch=true&labelSelector=stage%3Da&resourceVersion=${(await cp.request('GET', cms)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion}`);
    await new Promise((r) => setTimeout(r, 50));
    await cp.request('PATCH', `${cms}/mover`, { metadata: { labels: { stage: 'b' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await cp.request('PATCH', `${cms}/mover`, { metadata: { labels: { stage: 'a' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await until(() => w.events.length >= 2);
    w.stop();
    assert.deepEqual(w.events.map((e) => e.type), ['DELETED', 'ADDED']);
  });

  it('sends bookmarks to idle watches that allow them, and ends at timeoutSeconds', async () => {
    const rv = (await cp.request('GET', cms)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const w = cp.watch(`/api/v1/namespaces/default/secrets?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${rv}`);
    await w.ended;
    assert.ok(w.events.some((e) => e.type === 'BOOKMARK' && Number(e.object.metadata.resourceVersion) >= Number(rv)));
    assert.equal(w.events[0].object.kind, 'Secret');
  });

  it('streams initial events then a bookmark marking their end (sendInitialEvents)', async () => {
    const w = cp.watch(`${cms}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=set%3Dinitial`);
    await until(() => w.events.some((e) => e.type === 'BOOKMARK'));
    w.stop();
    assert.equal(w.events[0].type, 'ADDED');
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK')!;
    assert.equal(bookmark.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  it('lists at an exact older resourceVersion', async () => {
    const before = (await cp.request('POST', cms, cm('snap-1'))).json<{ metadata: { resourceVersion: string } }>();
    await cp.request('POST', cms, cm('snap-2'));
    const exact = (await cp.request('GET', `${cms}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=Exact`)).json<{ items: { metadata: { name: string } }[] }>();
    const names = exact.items.map((i) => i.metadata.name);
    assert.ok(names.includes('snap-1'));
    assert.ok(!names.includes('snap-2'));
  });

  it('answers 410 Gone for versions below the compacted revision', async () => {
    const old = (await cp.request('POST', cms, cm('gone-1'))).json<{ metadata: { resourceVersion: string } }>();
    await cp.request('POST', cms, cm('gone-2'));
    await cp.storage.compact(await cp.storage.currentRevision());
    const w = cp.watch(`${cms}?watch=true&resourceVersion=${old.metadata.resourceVersion}`);
    await w.ended;
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, 'Expired');
    const list = await cp.request('GET', `${cms}?resourceVersion=${old.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(list.status, 410);
  });

  it('pages with limit and continue, with remainingItemCount', async () => {
    for (let i = 0; i < 5; i++) await cp.request('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `page-${i}` } });
    const first = (await cp.request('GET', '/api/v1/namespaces/default/secrets?limit=2')).json<{ items: unknown[]; metadata: { continue: string; remainingItemCount: number } }>();
    assert.equal(first.items.length, 2);
    assert.equal(first.metadata.remainingItemCount, 3);
    const second = (await cp.request('GET', `/api/v1/namespaces/default/secrets?limit=10&continue=${first.metadata.continue}`)).json<{ items: unknown[]; metadata: { continue?: string } }>();
    assert.equal(second.items.length, 3);
    assert.equal(second.metadata.continue, undefined);
  });

  it('refuses a stale update and a stale delete precondition with 409', async () => {
    const created = (await cp.request('POST', cms, cm('cas'))).json<Record<string, any>>();
    await cp.request('PATCH', `${cms}/cas`, { data: { a: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    const stale = await cp.request('PUT', `${cms}/cas`, { ...created, data: { a: '2' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json<{ reason: string }>().reason, 'Conflict');
    const del = await cp.request('DELETE', `${cms}/cas`, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: created.metadata.resourceVersion } });
    assert.equal(del.status, 409);
  });
});
