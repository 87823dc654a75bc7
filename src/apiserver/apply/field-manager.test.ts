import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../api/object.js';
import { isStatusError, type StatusError } from '../../machinery/errors.js';
import { serverSideApply, updateManagedFields, type ApplyContext, type ManagedFieldsContext } from './index.js';
import { lastAppliedAnnotation } from './last-applied.js';
import { zeroObject } from './zero-object.js';
import { configMapSchema, deploymentSchema, podSchema, widgetSchema } from './test-schemas.js';
import { internShared, sharedInterner } from '../../storage/interning.js';

// Scenarios as a user drives them with kubectl against one Deployment (and a ConfigMap, a
// Pod and a custom resource), checking the managedFields `kubectl get -o yaml
// --show-managed-fields` would show and the errors kubectl would print.

const start = Date.parse('2024-05-01T10:00:00Z');
const at = (minute: number): Date => new Date(start + minute * 60_000 + 123);
const stamp = (minute: number): string => new Date(start + minute * 60_000).toISOString().replace('.000Z', 'Z');

let clock = 0;
function deploymentCtx(manager: string, extra: Partial<ManagedFieldsContext> = {}): ManagedFieldsContext {
  return { manager, apiVersion: 'apps/v1', now: at(++clock), schema: deploymentSchema, resetFields: [['status']], ...extra };
}
function applyCtx(manager: string, extra: Partial<ApplyContext> = {}): ApplyContext {
  return { ...deploymentCtx(manager), force: false, kind: 'Deployment', name: 'web', namespace: 'default', ...extra };
}

/** What storage does to a created object that matters here: it gets a uid. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: obj.metadata.uid ?? 'uid-1', resourceVersion: '1' } };
}

function entry(obj: KubeObject, manager: string, operation?: string): ManagedFieldsEntry {
  const found = obj.metadata.managedFields?.filter((e) => e.manager === manager && (!operation || e.operation === operation)) ?? [];
  assert.equal(found.length, 1, `one entry for ${manager}: ${JSON.stringify(obj.metadata.managedFields)}`);
  return found[0];
}
const managers = (obj: KubeObject): string[] => (obj.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);

function apply(live: KubeObject | undefined, config: unknown, ctx: ApplyContext): KubeObject {
  return stored(serverSideApply(live, config, ctx));
}
function applyError(live: KubeObject | undefined, config: unknown, ctx: ApplyContext): StatusError {
  try {
    serverSideApply(live, config, ctx);
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  assert.fail('apply succeeded');
}
const clone = <T>(v: T): T => structuredClone(v);

/** `kubectl create deployment web --image=nginx` after the API server's defaulting. */
function createdDeployment(): KubeObject {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  } as KubeObject;
}

/** A manifest as a user keeps it for `kubectl apply`. */
function manifest(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
    },
  };
}

describe('managedFields of creates and updates', () => {
  it('kubectl create: the creator owns every field it set, defaulted ones included', () => {
    clock = 0;
    const obj = updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create'));
    assert.deepEqual(obj.metadata.managedFields, [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: stamp(1),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:progressDeadlineSeconds': {},
            'f:replicas': {},
            'f:revisionHistoryLimit': {},
            'f:selector': {},
            'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:imagePullPolicy': {},
                    'f:name': {},
                    'f:resources': {},
                    'f:terminationMessagePath': {},
                    'f:terminationMessagePolicy': {},
                  },
                },
                'f:dnsPolicy': {},
                'f:restartPolicy': {},
                'f:schedulerName': {},
                'f:securityContext': {},
                'f:terminationGracePeriodSeconds': {},
              },
            },
          },
        },
      },
    ]);
  });

  it('an update gives its writer what it changed and takes it from the previous owner', () => {
    clock = 0;
    const created = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const edited = clone(created);
    (edited.spec as any).template.spec.containers[0].image = 'nginx:1.26';
    const after = updateManagedFields(created, edited, deploymentCtx('kubectl-edit'));
    assert.deepEqual(managers(after), ['kubectl-create/Update', 'kubectl-edit/Update']);
    assert.deepEqual(entry(after, 'kubectl-edit').fieldsV1, {
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } },
    });
    assert.equal(entry(after, 'kubectl-edit').time, stamp(2));
    const creator = JSON.stringify(entry(after, 'kubectl-create').fieldsV1);
    assert.ok(!creator.includes('f:image"'), creator);
    assert.ok(creator.includes('f:imagePullPolicy'));
  });

  it('an update that changes nothing records nothing and moves no time', () => {
    clock = 0;
    const created = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const again = updateManagedFields(created, clone(created), deploymentCtx('kubectl-replace'));
    assert.deepEqual(again.metadata.managedFields, created.metadata.managedFields);
  });

  it("a later write by the same manager merges into its entry and moves the entry's time", () => {
    clock = 0;
    let obj = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const e1 = clone(obj);
    (e1.spec as any).replicas = 3;
    obj = updateManagedFields(obj, e1, deploymentCtx('kubectl-edit'));
    const e2 = clone(obj);
    (e2.spec as any).paused = true;
    obj = updateManagedFields(obj, e2, deploymentCtx('kubectl-edit'));
    assert.deepEqual(entry(obj, 'kubectl-edit').fieldsV1, { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
    assert.equal(entry(obj, 'kubectl-edit').time, stamp(3));
  });

  it('removing a field removes it from its owner', () => {
    clock = 0;
    let obj = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const edited = clone(obj);
    delete (edited.metadata as any).labels;
    obj = updateManagedFields(obj, edited, deploymentCtx('kubectl-edit'));
    assert.deepEqual(managers(obj), ['kubectl-create/Update']);
    assert.ok(!('f:metadata' in entry(obj, 'kubectl-create').fieldsV1!));
  });

  it('status written through the main resource is never owned (reset fields)', () => {
    clock = 0;
    const created = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const withStatus = clone(created);
    withStatus.status = { replicas: 9 };
    const after = updateManagedFields(created, withStatus, deploymentCtx('kubectl-edit'));
    assert.deepEqual(managers(after), ['kubectl-create/Update']);
  });

  it('without explicit reset fields, status stays out of main-resource writes and spec out of /status writes', () => {
    clock = 0;
    const plain = (extra: Partial<ManagedFieldsContext> = {}): ManagedFieldsContext => ({ manager: 'm', apiVersion: 'apps/v1', now: at(++clock), schema: deploymentSchema, ...extra });
    const created = stored(updateManagedFields(undefined, { ...createdDeployment(), status: { replicas: 1 } }, plain()));
    assert.ok(!('f:status' in entry(created, 'm').fieldsV1!));
    const next = clone(created);
    (next.spec as any).replicas = 9;
    next.status = { replicas: 9 };
    const after = updateManagedFields(created, next, plain({ manager: 'ctrl', subresource: 'status' }));
    assert.deepEqual(entry(after, 'ctrl').fieldsV1, { 'f:status': { 'f:replicas': {} } });
  });

  it('status subresource writes are recorded with their subresource and ignore managedFields in the request', () => {
    clock = 0;
    const created = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const next = clone(created);
    next.status = { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] };
    next.metadata.managedFields = [];
    const after = updateManagedFields(created, next, deploymentCtx('kube-controller-manager', { subresource: 'status', resetFields: [['spec']] }));
    assert.deepEqual(managers(after), ['kubectl-create/Update', 'kube-controller-manager/Update']);
    assert.deepEqual(entry(after, 'kube-controller-manager'), {
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: stamp(2),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:replicas': {} } },
      subresource: 'status',
    });
  });

  it('a client may replace managedFields, or clear them with [] or [{}]; leaving them out keeps them', () => {
    clock = 0;
    const created = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const replaced = clone(created);
    replaced.metadata.managedFields = [
      { manager: 'someone', operation: 'Apply', apiVersion: 'apps/v1', time: stamp(0), fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ];
    assert.deepEqual(managers(updateManagedFields(created, replaced, deploymentCtx('kubectl'))), ['someone/Apply']);

    for (const reset of [[], [{}]]) {
      const cleared = clone(created);
      cleared.metadata.managedFields = reset as ManagedFieldsEntry[];
      (cleared.spec as any).replicas = 4;
      const after = updateManagedFields(created, cleared, deploymentCtx('kubectl-edit'));
      assert.equal(after.metadata.managedFields, undefined);
      // An existing object without managedFields stays untracked by later updates.
      const next = clone(stored(after));
      (next.spec as any).replicas = 5;
      assert.equal(updateManagedFields(stored(after), next, deploymentCtx('kubectl-edit')).metadata.managedFields, undefined);
    }

    const omitted = clone(created);
    delete omitted.metadata.managedFields;
    (omitted.spec as any).replicas = 4;
    assert.deepEqual(managers(updateManagedFields(created, omitted, deploymentCtx('kubectl-edit'))), ['kubectl-create/Update', 'kubectl-edit/Update']);
  });

  it('undecodable managedFields in a request fall back to the stored ones', () => {
    clock = 0;
    const created = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    const bad = clone(created);
    bad.metadata.managedFields = [{ manager: 'x', operation: 'Bogus' as 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    assert.deepEqual(managers(updateManagedFields(created, bad, deploymentCtx('kubectl-edit'))), ['kubectl-create/Update']);
  });

  it('keeps at most 10 update entries, folding the oldest into ancient-changes', () => {
    clock = 0;
    let obj = stored(updateManagedFields(undefined, createdDeployment(), deploymentCtx('kubectl-create')));
    for (let i = 1; i <= 10; i++) {
      const next = clone(obj);
      next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' };
      obj = updateManagedFields(obj, next, deploymentCtx(`labeler-${i}`));
    }
    const names = (obj.metadata.managedFields ?? []).map((e) => e.manager);
    assert.equal(names.length, 10);
    assert.deepEqual(names.slice(0, 2), ['ancient-changes', 'labeler-2']);
    const ancient = entry(obj, 'ancient-changes');
    // The creator's fields and labeler-1's label, timed as the newer of the two.
    assert.equal(ancient.time, stamp(2));
    assert.equal(ancient.apiVersion, 'apps/v1');
    const fields = JSON.stringify(ancient.fieldsV1);
    assert.ok(fields.includes('"f:l1"') && fields.includes('f:replicas'), fields);
    assert.ok(!names.includes('kubectl-create') && !names.includes('labeler-1'));
  });

  it('a custom resource starts from an empty object, so spec itself is owned', () => {
    const cr = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'default' },
      spec: { size: 3, tags: ['b', 'a'], parts: [{ name: 'bolt', count: 4 }], config: { deep: { x: 1 } } },
    } as KubeObject;
    const obj = updateManagedFields(undefined, cr, { manager: 'kubectl-create', apiVersion: 'example.com/v1', now: at(0), schema: widgetSchema });
    assert.deepEqual(entry(obj, 'kubectl-create').fieldsV1, {
      'f:spec': {
        '.': {},
        'f:config': { '.': {}, 'f:deep': { '.': {}, 'f:x': {} } },
        'f:parts': { '.': {}, 'k:{"name":"bolt"}': { '.': {}, 'f:count': {}, 'f:name': {} } },
        'f:size': {},
        'f:tags': { '.': {}, 'v:"a"': {}, 'v:"b"': {} },
      },
    });
  });

  it('a create records what an update from the empty object would (its shortcut changes nothing)', () => {
    const podCtx = (extra: Partial<ManagedFieldsContext> = {}): ManagedFieldsContext => ({ manager: 'kubectl-create', apiVersion: 'v1', now: at(0), schema: podSchema, ...extra });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', creationTimestamp: null, uid: undefined, labels: { a: 'b' }, annotations: {}, finalizers: ['x/y'] },
      spec: {
        containers: [
          { name: 'app', image: 'app:1', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: null }], resources: {} },
        ],
        nodeSelector: null,
        volumes: [],
      },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] },
    } as unknown as KubeObject;
    const cases: [KubeObject, ManagedFieldsContext][] = [
      [createdDeployment(), deploymentCtx('kubectl-create')],
      [pod, podCtx()],
      [pod, podCtx({ resetFields: [] })],
      [pod, podCtx({ subresource: 'status' })],
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'only' } } as KubeObject, podCtx()],
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } } as KubeObject, podCtx({ schema: configMapSchema })],
      [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3, tags: ['a', 'a'], parts: [] } } as KubeObject, podCtx({ apiVersion: 'example.com/v1', schema: widgetSchema })],
      [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } as KubeObject, podCtx({ apiVersion: 'example.com/v1', schema: undefined })],
    ];
    for (const [obj, ctx] of cases) {
      const created = updateManagedFields(undefined, clone(obj), ctx);
      const fromEmpty = updateManagedFields(zeroObject(obj.apiVersion, obj.kind, ctx.schema), clone(obj), ctx);
      assert.deepEqual(created, fromEmpty, `${obj.kind} ${JSON.stringify(ctx.resetFields)} ${ctx.subresource ?? ''}`);
    }
  });
});

describe('managedFields of objects whose parts are shared', () => {
  it('are what fresh copies of them get, on creates and on updates', () => {
    // The registry shares a created object's spec with earlier ones (frozen) before the field
    // manager runs, which then reuses what it worked out for those parts.
    for (let i = 0; i < 3; i++) {
      const ctx = { ...deploymentCtx('kubectl-create'), now: at(1) };
      const fresh = updateManagedFields(undefined, createdDeployment(), ctx);
      const shared = createdDeployment();
      internShared(shared, sharedInterner);
      assert.ok(Object.isFrozen(shared.spec));
      assert.deepEqual(updateManagedFields(undefined, shared, ctx), fresh);
      const changed = clone(fresh);
      (changed.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image = `nginx:${i}`;
      const updateCtx = { ...deploymentCtx('kubectl-edit'), now: at(2) };
      const expected = updateManagedFields(stored(clone(fresh)), clone(changed), updateCtx);
      const live = stored(clone(fresh));
      internShared(live, sharedInterner);
      internShared(changed, sharedInterner);
      assert.deepEqual(updateManagedFields(live, changed, updateCtx), expected);
    }
  });
});

describe('server-side apply', () => {
  it('creates the object; the applier owns exactly the fields of its configuration', () => {
    clock = 0;
    const obj = apply(undefined, manifest(), applyCtx('kubectl'));
    assert.equal((obj.spec as any).replicas, 2);
    assert.deepEqual(obj.metadata.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: stamp(1),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('apply, then apply with a field removed: the field disappears', () => {
    clock = 0;
    let obj = apply(undefined, manifest(), applyCtx('kubectl'));
    const smaller = manifest();
    delete smaller.spec.replicas;
    delete smaller.metadata.labels;
    obj = apply(obj, smaller, applyCtx('kubectl'));
    assert.equal((obj.spec as any).replicas, undefined);
    assert.equal(obj.metadata.labels, undefined);
    assert.deepEqual(Object.keys(entry(obj, 'kubectl').fieldsV1!), ['f:spec']);
  });

  it('a field another manager also owns stays when one applier stops applying it', () => {
    const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data });
    const ctx = (manager: string): ApplyContext => ({ manager, apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', namespace: 'default', now: at(++clock), schema: configMapSchema, force: false });
    clock = 0;
    let obj = apply(undefined, cm({ shared: '1', a: 'a' }), ctx('team-a'));
    obj = apply(obj, cm({ shared: '1', b: 'b' }), ctx('team-b'));
    assert.deepEqual(obj.data, { shared: '1', a: 'a', b: 'b' });
    assert.deepEqual(entry(obj, 'team-a').fieldsV1, { 'f:data': { 'f:a': {}, 'f:shared': {} } });
    assert.deepEqual(entry(obj, 'team-b').fieldsV1, { 'f:data': { 'f:b': {}, 'f:shared': {} } });

    obj = apply(obj, cm({ a: 'a' }), ctx('team-a'));
    assert.deepEqual(obj.data, { shared: '1', a: 'a', b: 'b' });
    obj = apply(obj, cm({ b: 'b' }), ctx('team-b'));
    assert.deepEqual(obj.data, { a: 'a', b: 'b' });
    assert.equal(obj.metadata.namespace, 'default');
  });

  it('conflicts with a field another manager set to a different value, then --force-conflicts takes it', () => {
    clock = 0;
    let obj = apply(undefined, manifest(), applyCtx('kubectl'));
    const scaled = clone(obj);
    (scaled.spec as any).replicas = 5;
    obj = stored(updateManagedFields(obj, scaled, deploymentCtx('kubectl-scale')));

    const err = applyError(obj, manifest(), applyCtx('kubectl'));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas');
    assert.deepEqual(err.details, {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-scale" using apps/v1', field: '.spec.replicas' }],
    });

    // Applying the value the other manager set is no conflict: both own it.
    const agreeing = manifest();
    agreeing.spec.replicas = 5;
    const shared = apply(obj, agreeing, applyCtx('kubectl'));
    assert.deepEqual(managers(shared), ['kubectl/Apply', 'kubectl-scale/Update']);

    const forced = apply(obj, manifest(), applyCtx('kubectl', { force: true }));
    assert.equal((forced.spec as any).replicas, 2);
    assert.deepEqual(managers(forced), ['kubectl/Apply']);
  });

  it('words several conflicts by manager, each with its fields', () => {
    clock = 0;
    let obj = apply(undefined, manifest(), applyCtx('kubectl'));
    const edited = clone(obj);
    (edited.spec as any).replicas = 3;
    (edited.spec as any).template.spec.containers[0].image = 'nginx:edited';
    obj = stored(updateManagedFields(obj, edited, deploymentCtx('kubectl-edit')));
    const labeled = clone(obj);
    labeled.metadata.labels = { app: 'other' };
    obj = stored(updateManagedFields(obj, labeled, deploymentCtx('kubectl-label')));

    const err = applyError(obj, manifest(), applyCtx('kubectl'));
    assert.equal(
      err.message,
      'Apply failed with 3 conflicts: conflicts with "kubectl-edit" using apps/v1:\n' +
        '- .spec.replicas\n' +
        '- .spec.template.spec.containers[name="nginx"].image\n' +
        'conflicts with "kubectl-label" using apps/v1:\n' +
        '- .metadata.labels.app',
    );
    assert.deepEqual(
      err.details?.causes?.map((c) => c.field),
      ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image', '.metadata.labels.app'],
    );
  });

  it('merges a list of containers by name between two appliers', () => {
    clock = 0;
    let obj = apply(undefined, manifest(), applyCtx('kubectl'));
    const sidecar = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'proxy', image: 'envoy:1', ports: [{ containerPort: 9901 }] }] } } },
    };
    obj = apply(obj, sidecar, applyCtx('injector'));
    const containers = () => (obj.spec as any).template.spec.containers as { name: string; image: string }[];
    assert.deepEqual(containers().map((c) => c.name), ['nginx', 'proxy']);
    assert.deepEqual(entry(obj, 'injector').fieldsV1, {
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"proxy"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":9901,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });

    const upgraded = manifest();
    upgraded.spec.template.spec.containers[0].image = 'nginx:1.26';
    obj = apply(obj, upgraded, applyCtx('kubectl'));
    assert.deepEqual(containers().map((c) => `${c.name}=${c.image}`), ['nginx=nginx:1.26', 'proxy=envoy:1']);

    const renamed = manifest();
    renamed.spec.template.spec.containers = [{ name: 'web', image: 'nginx:1.26' }];
    obj = apply(obj, renamed, applyCtx('kubectl'));
    assert.deepEqual(containers().map((c) => c.name), ['proxy', 'web']);
  });

  it('labels added with kubectl label belong to kubectl-label and survive the applier', () => {
    clock = 0;
    let obj = apply(undefined, manifest(), applyCtx('kubectl'));
    const labeled = clone(obj);
    labeled.metadata.labels = { ...labeled.metadata.labels, tier: 'frontend' };
    obj = stored(updateManagedFields(obj, labeled, deploymentCtx('kubectl-label')));
    assert.deepEqual(entry(obj, 'kubectl-label').fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });

    obj = apply(obj, manifest(), applyCtx('kubectl'));
    assert.deepEqual(obj.metadata.labels, { app: 'web', tier: 'frontend' });

    const relabeled = clone(obj);
    relabeled.metadata.labels = { ...relabeled.metadata.labels, app: 'api' };
    obj = stored(updateManagedFields(obj, relabeled, deploymentCtx('kubectl-label')));
    assert.equal(applyError(obj, manifest(), applyCtx('kubectl')).message, 'Apply failed with 1 conflict: conflict with "kubectl-label" using apps/v1: .metadata.labels.app');
  });

  it('upgrades from client-side apply: kubectl may take what the last-applied annotation still says', () => {
    clock = 0;
    // `kubectl apply` (client-side) creating the object.
    const config = manifest();
    const annotation = JSON.stringify(config) + '\n';
    const created = clone(config) as KubeObject;
    created.metadata.annotations = { [lastAppliedAnnotation]: annotation };
    let obj = stored(updateManagedFields(undefined, created, deploymentCtx('kubectl-client-side-apply')));

    // A different server-side manager is not forgiven.
    const changed = manifest();
    changed.spec.replicas = 3;
    assert.equal(
      applyError(obj, changed, applyCtx('my-tool')).message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );

    // `kubectl apply --server-side` with replicas changed from 2 to 3.
    obj = apply(obj, changed, applyCtx('kubectl'));
    assert.equal((obj.spec as any).replicas, 3);
    assert.equal(obj.metadata.annotations?.[lastAppliedAnnotation], JSON.stringify(sortKeys(changed)) + '\n');
    assert.deepEqual(managers(obj), ['kubectl/Apply', 'kubectl-client-side-apply/Update']);
    assert.ok(!JSON.stringify(entry(obj, 'kubectl-client-side-apply').fieldsV1).includes('f:replicas'));

    // kubectl then saves the annotation under its own applier, which conflicts with nobody.
    const justAnnotation = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', annotations: { [lastAppliedAnnotation]: obj.metadata.annotations![lastAppliedAnnotation] } },
    };
    obj = apply(obj, justAnnotation, applyCtx('kubectl-last-applied'));
    assert.deepEqual(entry(obj, 'kubectl-last-applied').fieldsV1, { 'f:metadata': { 'f:annotations': { [`f:${lastAppliedAnnotation}`]: {} } } });

    // A field someone else changed since is still a conflict.
    const edited = clone(obj);
    (edited.spec as any).template.spec.containers[0].image = 'nginx:hotfix';
    obj = stored(updateManagedFields(obj, edited, deploymentCtx('kubectl-edit')));
    assert.match(applyError(obj, changed, applyCtx('kubectl')).message, /conflict with "kubectl-edit" using apps\/v1: \.spec\.template\.spec\.containers\[name="nginx"\]\.image/);
  });

  it('the migration patch kubectl sends after upgrading replaces managedFields as sent', () => {
    clock = 0;
    const created = clone(manifest()) as KubeObject;
    let obj = stored(updateManagedFields(undefined, created, deploymentCtx('kubectl-client-side-apply')));
    const migrated = clone(obj);
    migrated.metadata.managedFields = obj.metadata.managedFields!.map((e) => ({ ...e, manager: 'kubectl', operation: 'Apply' as const }));
    obj = updateManagedFields(obj, migrated, deploymentCtx('kubectl'));
    assert.deepEqual(managers(obj), ['kubectl/Apply']);
  });

  it('an object without managedFields: its fields go to before-first-apply on the first apply', () => {
    clock = 0;
    const untracked = stored(clone(manifest()) as KubeObject);
    const changed = manifest();
    changed.spec.replicas = 7;
    assert.equal(
      applyError(untracked, changed, applyCtx('kubectl')).message,
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
    const obj = apply(untracked, manifest(), applyCtx('kubectl'));
    assert.deepEqual(managers(obj), ['kubectl/Apply', 'before-first-apply/Update']);
  });

  it('a no-op apply keeps the entry time; a new applier of existing values gets an entry without one', () => {
    clock = 0;
    const obj = apply(undefined, manifest(), applyCtx('kubectl'));
    const again = apply(obj, manifest(), applyCtx('kubectl'));
    assert.deepEqual(again.metadata.managedFields, obj.metadata.managedFields);
    const other = apply(obj, manifest(), applyCtx('argocd'));
    assert.equal(entry(other, 'argocd', 'Apply').time, undefined);
  });

  it('applies to the status subresource record the subresource and ignore spec', () => {
    clock = 0;
    const obj = apply(undefined, manifest(), applyCtx('kubectl'));
    const status = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 }, status: { replicas: 2 } };
    const after = apply(obj, status, applyCtx('controller', { subresource: 'status', resetFields: [['spec']] }));
    assert.deepEqual(entry(after, 'controller'), {
      manager: 'controller',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: stamp(2),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
      subresource: 'status',
    });
  });

  it('reads YAML bodies with YAML 1.1 scalars', () => {
    clock = 0;
    const yaml = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  replicas: 3',
      '  paused: yes',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      '      containers:',
      '      - name: nginx',
      '        image: nginx',
      '',
    ].join('\n');
    const obj = apply(undefined, yaml, applyCtx('kubectl'));
    assert.equal((obj.spec as any).replicas, 3);
    assert.equal((obj.spec as any).paused, true);
    assert.equal(obj.metadata.namespace, 'default');
  });

  it('rejects bodies that are not objects of the URL kind', () => {
    clock = 0;
    const cases: [unknown, Partial<ApplyContext>, number, string][] = [
      ['a: [', {}, 400, 'error decoding YAML: '],
      ['- 1\n- 2\n', {}, 400, 'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}'],
      [{ ...manifest(), kind: 'StatefulSet' }, {}, 400, 'invalid object type: apps/v1, Kind=StatefulSet'],
      [{ ...manifest(), apiVersion: 'apps/v1beta1' }, {}, 400, 'invalid object type: apps/v1beta1, Kind=Deployment'],
      [{ metadata: { name: 'web' } }, {}, 400, 'invalid object type: /, Kind='],
      [{ ...manifest(), metadata: { name: 'web', managedFields: [] } }, {}, 400, 'metadata.managedFields must be nil'],
      [manifest(), { name: 'other' }, 400, 'the name of the object (web) does not match the name on the URL (other)'],
      [{ ...manifest(), metadata: { name: 'web', namespace: 'prod' } }, {}, 400, 'the namespace of the provided object does not match the namespace sent on the request'],
      [{ ...manifest(), metadata: { name: 'web', uid: 'abc' } }, { resource: { group: 'apps', resource: 'deployments' } }, 409, 'Operation cannot be fulfilled on deployments.apps "web": uid mismatch: the provided object specified uid abc, and no existing object was found'],
    ];
    for (const [body, extra, code, message] of cases) {
      const err = applyError(undefined, body, applyCtx('kubectl', extra));
      assert.equal(err.code, code, `${message}: ${err.message}`);
      assert.ok(err.message.startsWith(message), `${err.message} should start with ${message}`);
    }
  });

  it('rejects configurations that do not fit the schema, worded as upstream', () => {
    clock = 0;
    const wrongType = manifest();
    wrongType.spec.replicas = 'two';
    let err = applyError(undefined, wrongType, applyCtx('kubectl'));
    assert.equal(err.code, 500);
    assert.equal(err.message, 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string');

    const unknown = manifest();
    unknown.spec.replicaz = 2;
    err = applyError(undefined, unknown, applyCtx('kubectl'));
    assert.equal(err.message, 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema');

    const dup = manifest();
    dup.spec.template.spec.containers.push({ name: 'nginx', image: 'x' });
    err = applyError(undefined, dup, applyCtx('kubectl'));
    assert.equal(
      err.message,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="nginx"]',
    );

    const noName = manifest();
    noName.spec.template.spec.containers[0] = { image: 'x' };
    err = applyError(undefined, noName, applyCtx('kubectl'));
    assert.equal(
      err.message,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });

  it('keeps the client-side annotation current only for the kubectl manager, and drops nulls from the result', () => {
    clock = 0;
    const config = manifest();
    config.metadata.creationTimestamp = null;
    config.spec.template.metadata.creationTimestamp = null;
    const obj = apply(undefined, config, applyCtx('other'));
    assert.equal(obj.metadata.annotations, undefined);
    assert.ok(!('creationTimestamp' in (obj.spec as any).template.metadata));
    // Like upstream, the applier owns the null field it sent.
    assert.ok(JSON.stringify(entry(obj, 'other').fieldsV1).includes('"f:creationTimestamp":{}'));
  });

  it('custom resources: labels merge per key and lists follow the CRD list types', () => {
    const ctx = (manager: string): ApplyContext => ({ manager, apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: 'ns', now: at(++clock), schema: widgetSchema, force: false });
    const widget = (labels: Record<string, string>, spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels }, spec });
    clock = 0;
    let obj = apply(undefined, widget({ a: '1' }, { tags: ['x'], parts: [{ name: 'bolt', count: 1 }], config: { k: 'v' } }), ctx('one'));
    obj = apply(obj, widget({ b: '2' }, { tags: ['y'], parts: [{ name: 'nut', count: 2 }], config: { j: 'w' } }), ctx('two'));
    assert.deepEqual(obj.metadata.labels, { a: '1', b: '2' });
    assert.deepEqual(obj.spec, { tags: ['x', 'y'], parts: [{ name: 'bolt', count: 1 }, { name: 'nut', count: 2 }], config: { k: 'v', j: 'w' } });
    assert.deepEqual(entry(obj, 'two').fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:b': {} } },
      'f:spec': { 'f:config': { 'f:j': {} }, 'f:parts': { 'k:{"name":"nut"}': { '.': {}, 'f:count': {}, 'f:name': {} } }, 'f:tags': { 'v:"y"': {} } },
    });
    const err = applyError(obj, widget({}, { size: 'big' }), ctx('one'));
    assert.equal(err.message, 'failed to create typed patch object (/w; example.com/v1, Kind=Widget): .spec.size: expected numeric (int or float), got string');
  });

  it('pods: apply of a container port without protocol keys it by the default TCP', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }] },
    };
    const obj = apply(undefined, pod, { manager: 'kubectl', apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'ns', now: at(0), schema: podSchema, force: false, resetFields: [['status']] });
    assert.deepEqual((entry(obj, 'kubectl').fieldsV1 as any)['f:spec']['f:containers']['k:{"name":"c"}']['f:ports'], {
      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
    });
  });
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

