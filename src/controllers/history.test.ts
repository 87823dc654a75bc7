// The shared ControllerRevision helpers: Go-compatible JSON and FNV-1 hashes, names, ordering,
// equality, pruning, and the template patch a revision stores and restores.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import {
  applyRevision,
  controllerRevisionName,
  equalRevision,
  findEqualRevisions,
  fnv32,
  goJson,
  hashControllerRevision,
  newControllerRevision,
  nextRevision,
  revisionsToPrune,
  sortControllerRevisions,
  templatePatch,
  type ControllerRevision,
} from './history.js';

function rev(name: string, revision: number, data: unknown = { spec: { template: { $patch: 'replace', x: name } } }, created = '2026-01-01T00:00:00Z'): ControllerRevision {
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name, creationTimestamp: created }, data, revision };
}

describe('goJson', () => {
  it('sorts keys at every depth and writes no spaces, as Go marshals a map', () => {
    assert.equal(goJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } }), '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
  });
  it("escapes <, > and & as Go's encoder does", () => {
    assert.equal(goJson({ cmd: 'a && b > c <d>' }), '{"cmd":"a \\u0026\\u0026 b \\u003e c \\u003cd\\u003e"}');
  });
});

describe('hashing and naming', () => {
  it('fnv32 is FNV-1 (hash/fnv.New32)', () => {
    assert.equal(fnv32(Buffer.from('')), 0x811c9dc5);
    assert.equal(fnv32(Buffer.from('a')), 0x050c5d7e);
    assert.equal(fnv32(Buffer.from('foobar')), 0x31f0b262);
  });
  it('hashes the data and the collision count into the safe alphabet', () => {
    const data = { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } } } } };
    const h0 = hashControllerRevision(data, 0);
    assert.match(h0, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(hashControllerRevision(JSON.parse(JSON.stringify(data)), 0), h0, 'stable');
    assert.notEqual(hashControllerRevision(data, 1), h0, 'the collision count changes it');
    assert.notEqual(hashControllerRevision(data), h0, 'no count differs from count 0');
    // Key order of the stored object does not matter.
    assert.equal(hashControllerRevision({ spec: { template: { metadata: { labels: { app: 'web' } }, $patch: 'replace' } } }, 0), h0);
  });
  it('names revisions <owner>-<hash>, cutting long owner names to 223 bytes', () => {
    assert.equal(controllerRevisionName('web', 'abc'), 'web-abc');
    assert.equal(controllerRevisionName('x'.repeat(300), 'abc'), `${'x'.repeat(223)}-abc`);
  });
  it('newControllerRevision: template labels plus the hash label, a controller reference, the data', () => {
    const owner: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'ns', uid: 'u1' } };
    const data = { spec: { template: { $patch: 'replace' } } };
    const cr = newControllerRevision(owner, { apiVersion: 'apps/v1', kind: 'StatefulSet' }, { app: 'web' }, data, 3, 0);
    const hash = hashControllerRevision(data, 0);
    assert.deepEqual(cr, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `web-${hash}`,
        namespace: 'ns',
        labels: { app: 'web', 'controller.kubernetes.io/hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }],
      },
      data,
      revision: 3,
    });
  });
});

describe('revisions', () => {
  it('sorts by number, then creation time, then name', () => {
    const sorted = sortControllerRevisions([rev('c', 2), rev('b', 1, undefined, '2026-01-02T00:00:00Z'), rev('a', 1, undefined, '2026-01-02T00:00:00Z'), rev('z', 1)]);
    assert.deepEqual(sorted.map((r) => r.metadata.name), ['z', 'a', 'b', 'c']);
  });
  it('equal revisions hold the same data whatever their names and numbers', () => {
    const a = rev('a', 1, { spec: { template: { x: 1, y: 2 } } });
    const b = rev('b', 5, { spec: { template: { y: 2, x: 1 } } });
    const c = rev('c', 2, { spec: { template: { x: 2 } } });
    assert.ok(equalRevision(a, b));
    assert.ok(!equalRevision(a, c));
    assert.deepEqual(findEqualRevisions([a, c, b], a).map((r) => r.metadata.name), ['a', 'b']);
    assert.equal(nextRevision([a, c]), 3);
    assert.equal(nextRevision([]), 1);
  });
  it('prunes the oldest revisions that are not live down to the limit', () => {
    const revs = [1, 2, 3, 4, 5].map((n) => rev(`r${n}`, n));
    const live = new Set(['r1', 'r5']);
    assert.deepEqual(revisionsToPrune(revs, 2, (r) => live.has(r.metadata.name!)).map((r) => r.metadata.name), ['r2']);
    assert.deepEqual(revisionsToPrune(revs, 3, (r) => live.has(r.metadata.name!)), []);
    assert.deepEqual(revisionsToPrune(revs, 0, () => false).map((r) => r.metadata.name), ['r1', 'r2', 'r3', 'r4', 'r5']);
    assert.deepEqual(revisionsToPrune(revs, -1, () => false), []);
  });
});

describe('the template patch', () => {
  const set: KubeObject = {
    metadata: { name: 'web' },
    spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } } },
  };
  it('stores spec.template with $patch: replace, keys sorted', () => {
    const patch = templatePatch(set);
    assert.equal(JSON.stringify(patch), '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1","name":"app"}]}}}}');
  });
  it('applyRevision replaces the template and keeps the rest', () => {
    const r = rev('web-1', 1, templatePatch(set));
    const changed = JSON.parse(JSON.stringify(set));
    changed.spec.replicas = 5;
    changed.spec.template = { metadata: { labels: { app: 'web', extra: 'x' } }, spec: { containers: [{ name: 'app', image: 'nginx:2' }], hostNetwork: true } };
    const restored = applyRevision(changed, r);
    assert.deepEqual(restored.spec, { replicas: 5, template: (set.spec as any).template });
    assert.equal((changed.spec as any).template.spec.hostNetwork, true, 'the input is not changed');
  });
});
