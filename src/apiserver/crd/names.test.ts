import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { Definition } from './definition.js';
import { calculateNames, setCondition } from './names.js';
import { resourceTypeFor } from './resource-type.js';

function crd(name: string, names: Record<string, unknown>, status: Record<string, unknown> = {}): Definition {
  const obj: KubeObject = {
    metadata: { name },
    spec: { group: 'example.com', scope: 'Namespaced', names, versions: [{ name: 'v1', served: true, storage: true }] },
    status,
  };
  return new Definition(obj);
}

const widgets = { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] };

test('fresh names are all accepted', () => {
  const c = crd('widgets.example.com', widgets);
  const out = calculateNames(c, [c]);
  assert.deepEqual(out.acceptedNames, widgets);
  assert.deepEqual(out.namesAccepted, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
  assert.deepEqual(out.established, { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' });
});

test('a name another CRD of the group accepted is a conflict', () => {
  const first = crd('widgets.example.com', widgets, { acceptedNames: widgets });
  const second = crd('gadgets.example.com', { plural: 'gadgets', singular: 'gadget', kind: 'Widget', listKind: 'GadgetList', shortNames: ['wd'] });
  const out = calculateNames(second, [first, second]);
  assert.deepEqual(out.namesAccepted, { type: 'NamesAccepted', status: 'False', reason: 'KindConflict', message: '"Widget" is already in use' });
  assert.equal(out.acceptedNames.plural, 'gadgets');
  assert.equal(out.acceptedNames.kind, '', 'the conflicting name is not accepted');
  assert.equal(out.acceptedNames.shortNames, undefined);
  assert.deepEqual(out.established, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
});

test('short name conflicts are reported together', () => {
  const first = crd('widgets.example.com', widgets, { acceptedNames: widgets });
  const second = crd('gadgets.example.com', { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', shortNames: ['wd', 'widget'] });
  const out = calculateNames(second, [first, second]);
  assert.deepEqual(out.namesAccepted, { type: 'NamesAccepted', status: 'False', reason: 'ShortNamesConflict', message: '["wd" is already in use, "widget" is already in use]' });
});

test('an established CRD stays established while it renames', () => {
  const c = crd('widgets.example.com', { ...widgets, shortNames: ['w'] }, {
    acceptedNames: widgets,
    conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }],
  });
  const out = calculateNames(c, [c]);
  assert.deepEqual(out.acceptedNames.shortNames, ['w']);
  assert.equal(out.established.status, 'True');
});

test('a condition keeps its transition time while its status holds', () => {
  let conditions = setCondition([], { type: 'Established', status: 'False', reason: 'Installing' }, 't1');
  conditions = setCondition(conditions, { type: 'Established', status: 'False', reason: 'Other' }, 't2');
  assert.deepEqual(conditions, [{ type: 'Established', status: 'False', lastTransitionTime: 't1', reason: 'Other', message: undefined }]);
  conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted' }, 't3');
  assert.equal(conditions[0].lastTransitionTime, 't3');
});

test('the served resource takes the accepted names, storage version first', () => {
  const obj: KubeObject = {
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Cluster',
      names: widgets,
      versions: [
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1', served: true, storage: true, subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } } },
        { name: 'v0', served: false, storage: false },
      ],
    },
    status: { acceptedNames: { ...widgets, categories: ['all'] } },
  };
  const r = resourceTypeFor(new Definition(obj));
  assert.deepEqual(r.versions, ['v1', 'v1beta1']);
  assert.equal(r.namespaced, false);
  assert.deepEqual(r.categories, ['all']);
  assert.deepEqual(Object.keys(r.subresources).sort(), ['scale', 'status']);
  assert.deepEqual(r.scale, { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' });
  assert.equal(r.storagePrefix, '/registry/example.com/widgets');
  assert.equal(r.custom, true);
});
