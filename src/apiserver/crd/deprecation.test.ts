import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Definition } from './definition.js';
import { deprecationWarning } from './deprecation.js';

function crd(versions: Record<string, unknown>[]): Definition {
  return new Definition({ metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, versions } });
}

test('a deprecated version warns, pointing at the newest served version that replaces it', () => {
  const d = crd([
    { name: 'v1alpha1', served: true, storage: false, deprecated: true },
    { name: 'v1beta1', served: true, storage: false },
    { name: 'v1', served: true, storage: true },
    { name: 'v2', served: false, storage: false },
  ]);
  assert.equal(deprecationWarning(d, 'v1alpha1'), 'example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget');
  assert.equal(deprecationWarning(d, 'v1'), undefined);
});

test('a custom deprecationWarning wins; with nothing newer there is no suggestion', () => {
  assert.equal(deprecationWarning(crd([{ name: 'v1', served: true, storage: true, deprecated: true, deprecationWarning: 'use widgets.other.io' }]), 'v1'), 'use widgets.other.io');
  assert.equal(deprecationWarning(crd([{ name: 'v1', served: true, storage: true, deprecated: true }, { name: 'v1beta1', served: true, storage: false }]), 'v1'), 'example.com/v1 Widget is deprecated');
});
