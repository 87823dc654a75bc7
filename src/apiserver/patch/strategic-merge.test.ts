import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from './index.js';
import { isStatusError, type StatusError } from '../../machinery/errors.js';
import { deployment, pod, service } from './schemas.fixture.js';
import type { StructuralSchema } from '../../api/schema/structural.js';

type Obj = Record<string, any>;

function smp(current: unknown, patch: unknown, schema: StructuralSchema | undefined = pod): Obj {
  return applyPatch('strategic', current, patch, schema) as Obj;
}

function smpError(current: unknown, patch: unknown, schema: StructuralSchema | undefined = pod): StatusError {
  try {
    applyPatch('strategic', current, patch, schema);
  } catch (e) {
    assert.ok(isStatusError(e), `expected a StatusError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the patch to fail');
}

const names = (list: Obj[]): string[] => list.map((c) => c.name);

// application/deployment-patch.yaml from "Update API Objects in Place Using kubectl patch",
// as stored (the server fills in defaults such as imagePullPolicy).
function patchDemo(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'patch-demo', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'nginx' } },
        spec: {
          containers: [{ name: 'patch-demo-ctr', image: 'nginx', imagePullPolicy: 'Always' }],
          tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }],
          restartPolicy: 'Always',
        },
      },
    },
  };
}

describe('strategic merge patch: the kubectl patch documentation', () => {
  it('merges a container into the containers list, the new one first', () => {
    const result = smp(patchDemo(), { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }, deployment);
    assert.deepEqual(result.spec.template.spec.containers, [
      { name: 'patch-demo-ctr-2', image: 'redis' },
      { name: 'patch-demo-ctr', image: 'nginx', imagePullPolicy: 'Always' },
    ]);
  });

  it('replaces tolerations, which have no patch strategy', () => {
    const result = smp(
      patchDemo(),
      { spec: { template: { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } } } },
      deployment,
    );
    assert.deepEqual(result.spec.template.spec.tolerations, [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }]);
    assert.equal(result.spec.template.spec.containers.length, 1);
  });

  it('a JSON merge patch replaces the whole containers list instead', () => {
    const result = applyPatch(
      'merge',
      patchDemo(),
      { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-3', image: 'gcr.io/google-samples/node-hello:1.0' }] } } } },
      deployment,
    ) as Obj;
    assert.deepEqual(result.spec.template.spec.containers, [{ name: 'patch-demo-ctr-3', image: 'gcr.io/google-samples/node-hello:1.0' }]);
  });

  it('$retainKeys drops strategy.rollingUpdate when switching to Recreate', () => {
    const retainkeysDemo = patchDemo();
    retainkeysDemo.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '30%', maxUnavailable: '25%' } };

    const plain = smp(retainkeysDemo, { spec: { strategy: { type: 'Recreate' } } }, deployment);
    assert.deepEqual(plain.spec.strategy, { type: 'Recreate', rollingUpdate: { maxSurge: '30%', maxUnavailable: '25%' } });

    const retained = smp(retainkeysDemo, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deployment);
    assert.deepEqual(retained.spec.strategy, { type: 'Recreate' });
  });

  it('$retainKeys must list every key the patch sets', () => {
    const e = smpError(patchDemo(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } }, deployment);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    assert.equal(e.message, 'invalid patch format of retainKeys');
  });
});

describe('strategic merge patch: seed 004 (continuous delivery)', () => {
  function myApp(): Obj {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'my-app', namespace: 'default' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'my-app' } },
        template: {
          metadata: { labels: { app: 'my-app' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'alpine:3.5',
                command: ['sh', '-c', 'while :; do echo hi | nc -l -p 5000; done'],
                env: [{ name: 'DEMO', value: '0' }, { name: 'OTHER', value: 'x' }],
                ports: [{ containerPort: 5000, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    };
  }

  it('kubectl patch deployment my-app -p {"spec":{"template":{"spec":{"containers":[{"name":"app","image":"alpine:3.6"}]}}}}', () => {
    const before = myApp();
    const result = smp(before, { spec: { template: { spec: { containers: [{ name: 'app', image: 'alpine:3.6' }] } } } }, deployment);
    const expected = myApp();
    expected.spec.template.spec.containers[0].image = 'alpine:3.6';
    assert.deepEqual(result, expected);
    assert.deepEqual(before, myApp(), 'the current object is untouched');
  });

  it('the env patch merges DEMO by name and keeps the other variables', () => {
    const result = smp(
      myApp(),
      { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'DEMO', value: '1' }] }] } } } },
      deployment,
    );
    assert.deepEqual(result.spec.template.spec.containers[0].env, [
      { name: 'DEMO', value: '1' },
      { name: 'OTHER', value: 'x' },
    ]);
  });
});

describe('strategic merge patch: maps and nulls', () => {
  const base = (): Obj => ({
    metadata: { name: 'p', labels: { app: 'web', tier: 'front' }, annotations: { a: '1' } },
    spec: { nodeSelector: { disk: 'ssd' }, restartPolicy: 'Always', containers: [{ name: 'c', image: 'i' }] },
  });

  it('merges maps under additionalProperties key by key; null deletes a key', () => {
    const result = smp(base(), { metadata: { labels: { tier: null, track: 'stable' } }, spec: { nodeSelector: { zone: 'a' } } });
    assert.deepEqual(result.metadata.labels, { app: 'web', track: 'stable' });
    assert.deepEqual(result.spec.nodeSelector, { disk: 'ssd', zone: 'a' });
  });

  it('null deletes a field; a null that matches nothing is ignored', () => {
    const result = smp(base(), { spec: { restartPolicy: null, dnsPolicy: null } });
    assert.equal('restartPolicy' in result.spec, false);
    assert.equal('dnsPolicy' in result.spec, false);
  });

  it('drops nulls inside a value it adds, but keeps nulls inside lists', () => {
    const result = smp({ spec: {} }, { spec: { extra: { keep: 1, drop: null, list: [null, { x: null, y: 2 }] } } });
    assert.deepEqual(result.spec.extra, { keep: 1, list: [null, { y: 2 }] });
  });

  it('keeps existing keys in place and appends new ones', () => {
    const result = smp({ a: 1, b: { x: 1 }, c: 3 }, { d: 4, b: { y: 2 }, a: 0 }, undefined);
    assert.deepEqual(Object.keys(result), ['a', 'b', 'c', 'd']);
    assert.deepEqual(result, { a: 0, b: { x: 1, y: 2 }, c: 3, d: 4 });
  });

  it('a value of another type replaces the old one', () => {
    const result = smp(base(), { spec: { containers: 'not-a-list', nodeSelector: ['x'] } });
    assert.equal(result.spec.containers, 'not-a-list');
    assert.deepEqual(result.spec.nodeSelector, ['x']);
  });

  it('unknown fields merge like a JSON merge patch: maps merge, lists are replaced', () => {
    const result = smp(
      { spec: { custom: { a: 1, list: [{ name: 'x', v: 1 }] } } },
      { spec: { custom: { b: 2, list: [{ name: 'y' }] } } },
    );
    assert.deepEqual(result.spec.custom, { a: 1, b: 2, list: [{ name: 'y' }] });
  });

  it('$patch: replace replaces a map with the patch map', () => {
    const result = smp(base(), { metadata: { labels: { $patch: 'replace', only: 'this' } } });
    assert.deepEqual(result.metadata.labels, { only: 'this' });
  });

  it('$patch: delete empties an existing map and adds nothing for a missing one', () => {
    const result = smp(base(), { metadata: { labels: { $patch: 'delete' } }, spec: { securityContext: { $patch: 'delete' } } });
    assert.deepEqual(result.metadata.labels, {});
    assert.equal('securityContext' in result.spec, false);
  });

  it('$patch: replace at the top replaces the whole object', () => {
    assert.deepEqual(smp(base(), { $patch: 'replace', kind: 'Pod' }), { kind: 'Pod' });
  });

  it('$patch: merge on a map is refused with the Go error', () => {
    const e = smpError(base(), { spec: { $patch: 'merge', restartPolicy: 'Never' } });
    assert.equal(e.code, 500);
    assert.equal(e.reason, '');
    assert.equal(e.message, 'unknown patch type: merge in map: map[$patch:merge restartPolicy:Never]');
  });

  it('a null patch changes nothing', () => {
    assert.deepEqual(smp(base(), null), base());
  });
});

describe('strategic merge patch: lists', () => {
  const withContainers = (...containers: unknown[]): Obj => ({ spec: { containers } });

  it('merges list items by merge key, recursively (env inside containers)', () => {
    const result = smp(
      withContainers(
        { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
        { name: 'b', image: 'b:1' },
      ),
      withContainers({ name: 'a', env: [{ name: 'Y', value: 'changed' }, { name: 'Z', value: '3' }] }),
    );
    assert.deepEqual(result.spec.containers, [
      { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: 'changed' }, { name: 'Z', value: '3' }] },
      { name: 'b', image: 'b:1' },
    ]);
  });

  it('orders the result: patch items in patch order, a server-only item before a patch item it preceded', () => {
    const result = smp(
      withContainers({ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }),
      withContainers({ name: 'd', image: 'x' }, { name: 'new' }, { name: 'b', image: 'y' }),
    );
    // a and c preceded d on the server, so they come before it; new and b follow the patch.
    assert.deepEqual(names(result.spec.containers), ['a', 'c', 'd', 'new', 'b']);
  });

  it('$patch: delete removes the items with that key (all of them)', () => {
    const result = smp(
      withContainers({ name: 'a' }, { name: 'b' }, { name: 'a', image: 'dup' }),
      withContainers({ name: 'a', $patch: 'delete' }),
    );
    assert.deepEqual(result.spec.containers, [{ name: 'b' }]);
  });

  it('$patch: replace in a list replaces it with the other items of the patch list', () => {
    const result = smp(
      withContainers({ name: 'a', image: 'a' }, { name: 'b' }),
      withContainers({ $patch: 'replace' }, { name: 'c', image: 'c' }),
    );
    assert.deepEqual(result.spec.containers, [{ name: 'c', image: 'c' }]);
    assert.deepEqual(smp(withContainers({ name: 'a' }), withContainers({ $patch: 'replace' })).spec.containers, []);
  });

  it('$patch: merge in a list item is refused', () => {
    const e = smpError(withContainers({ name: 'a' }), withContainers({ name: 'a', $patch: 'merge' }));
    assert.equal(e.code, 500);
    assert.equal(e.message, 'merging lists cannot yet be specified in the patch');
  });

  it('an item without the merge key fails with the Kubernetes message', () => {
    const e = smpError(withContainers({ name: 'a' }), withContainers({ image: 'nginx', resources: { limits: { memory: '258Mi' } } }));
    assert.equal(e.code, 500);
    assert.equal(e.reason, '');
    assert.equal(e.message, 'map: map[image:nginx resources:map[limits:map[memory:258Mi]]] does not contain declared merge key: name');
  });

  it('a list with no patch strategy is replaced, directives and all', () => {
    const result = smp({ spec: { containers: [{ name: 'a', args: ['1', '2'] }] } }, withContainers({ name: 'a', args: ['3'] }));
    assert.deepEqual(result.spec.containers[0].args, ['3']);
  });

  it('merges primitive lists with strategy merge as a union (finalizers)', () => {
    const current = { metadata: { finalizers: ['a', 'b'] } };
    assert.deepEqual(smp(current, { metadata: { finalizers: ['c'] } }).metadata.finalizers, ['c', 'a', 'b']);
    assert.deepEqual(smp(current, { metadata: { finalizers: ['b', 'c', 'c'] } }).metadata.finalizers, ['a', 'b', 'c']);
  });

  it('$deleteFromPrimitiveList removes values from a primitive list', () => {
    const current = { metadata: { finalizers: ['a', 'b', 'c', 'b'] } };
    const result = smp(current, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] } });
    assert.deepEqual(result.metadata.finalizers, ['a', 'c']);
    assert.equal('$deleteFromPrimitiveList/finalizers' in result.metadata, false);
  });

  it('$deleteFromPrimitiveList with a malformed key is a 400', () => {
    const e = smpError({ metadata: { finalizers: ['a'] } }, { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } });
    assert.equal(e.code, 400);
    assert.equal(e.message, 'invalid patch format of primitive list');
  });

  it('$setElementOrder fixes the order of the merged list (what kubectl apply sends)', () => {
    const result = smp(withContainers({ name: 'a' }, { name: 'b' }, { name: 'c' }), {
      spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'new' }] },
    });
    assert.deepEqual(result.spec.containers, [{ name: 'c' }, { name: 'a', image: 'new' }, { name: 'b' }]);
    assert.equal('$setElementOrder/containers' in result.spec, false);
  });

  it('$setElementOrder alone reorders a primitive list', () => {
    const result = smp({ metadata: { finalizers: ['x', 'y', 'z'] } }, { metadata: { '$setElementOrder/finalizers': ['z', 'x', 'y'] } });
    assert.deepEqual(result.metadata.finalizers, ['z', 'x', 'y']);
  });

  it('$setElementOrder with a deleted and an added item places items as Kubernetes does', () => {
    // kubectl apply removing container 1 and adding container 3, while the server also runs 4.
    const result = smp(withContainers({ name: '1' }, { name: '2', image: 'b' }, { name: '4', image: 'c' }), {
      spec: {
        '$setElementOrder/containers': [{ name: '2' }, { name: '3' }],
        containers: [{ name: '3' }, { name: '1', $patch: 'delete' }],
      },
    });
    assert.deepEqual(names(result.spec.containers), ['2', '4', '3']);
  });

  it('$setElementOrder that contradicts the patch list is refused', () => {
    const e = smpError(withContainers({ name: 'a' }, { name: 'b' }), {
      spec: { '$setElementOrder/containers': [{ name: 'b' }], containers: [{ name: 'a', image: 'x' }] },
    });
    assert.equal(e.code, 500);
    assert.equal(e.message, "The order in patch list:\n[map[image:x name:a]]\n doesn't match $setElementOrder list:\n[map[name:b]]\n");
  });

  it('$setElementOrder must be a list', () => {
    const e = smpError(withContainers({ name: 'a' }), { spec: { '$setElementOrder/containers': { name: 'a' } } });
    assert.equal(e.message, 'expected a []interface {}, but received a map[string]interface {}');
  });

  it('$retainKeys inside list items switches a volume source (kubectl apply on volumes)', () => {
    const current = { spec: { volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }] } };
    const result = smp(current, { spec: { volumes: [{ $retainKeys: ['hostPath', 'name'], name: 'data', hostPath: { path: '/srv' } }] } });
    assert.deepEqual(result.spec.volumes, [{ name: 'data', hostPath: { path: '/srv' } }, { name: 'cfg', configMap: { name: 'c' } }]);
  });

  it('merges Service ports on port, and ownerReferences on uid', () => {
    const svc = {
      metadata: { ownerReferences: [{ uid: 'u1', kind: 'A', name: 'a' }] },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'https', port: 443, protocol: 'TCP' }] },
    };
    const result = smp(
      svc,
      { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] }, spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      service,
    );
    assert.deepEqual(result.spec.ports, [
      { name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' },
      { name: 'https', port: 443, protocol: 'TCP' },
    ]);
    assert.deepEqual(result.metadata.ownerReferences, [{ uid: 'u1', kind: 'A', name: 'a', controller: true }]);
  });

  it('refuses lists of lists with a generic 422', () => {
    const e = smpError({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [['b']] } });
    assert.equal(e.code, 500);
    assert.match(e.message, /^list element types are not identical/);
    const nested = smpError({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } });
    assert.equal(nested.code, 422);
    assert.equal(nested.message, 'the server rejected our request due to an error in our request');
  });

  it('an item of the wrong type in a merged list is a Go type error', () => {
    const e = smpError(withContainers({ name: 'a' }), withContainers('b'));
    assert.equal(e.message, 'list element types are not identical: [[map[name:a]] [b]]');
    const e2 = smpError({ spec: { containers: ['x'] } }, withContainers('y'));
    assert.equal(e2.message, 'expected a map[string]interface {}, but received a string');
  });

  it('a list of maps with strategy merge but no merge key cannot merge', () => {
    const schema: StructuralSchema = {
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'object', properties: {} }, 'x-kubernetes-patch-strategy': 'merge' } },
    };
    const e = smpError({ items: [{ a: 1 }] }, { items: [{ a: 2 }] }, schema);
    assert.equal(e.message, 'cannot merge lists without merge key for struct');
  });
});
