import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { elementKindName, lookupListField, lookupObjectField } from './patch-meta.js';
import { container, deployment, objectMeta, podSpec } from './schemas.fixture.js';

describe('patch metadata from the structural schema', () => {
  it('reads strategy and merge key from a list field', () => {
    const containers = lookupListField(podSpec, 'containers');
    assert.deepEqual(containers.meta, { strategies: ['merge'], mergeKey: 'name' });
    assert.equal(containers.schema, container);
    assert.deepEqual(lookupListField(podSpec, 'volumes').meta, { strategies: ['merge', 'retainKeys'], mergeKey: 'name' });
    assert.deepEqual(lookupListField(podSpec, 'tolerations').meta, { strategies: [], mergeKey: '' });
  });

  it('reads an extension set beside an allOf-wrapped reference', () => {
    const spec = lookupObjectField(deployment, 'spec').schema;
    const strategy = lookupObjectField(spec, 'strategy');
    assert.deepEqual(strategy.meta.strategies, ['retainKeys']);
    assert.ok(lookupObjectField(strategy.schema, 'rollingUpdate').schema?.properties?.maxSurge);
  });

  it('gives every key of a map the value schema and no metadata', () => {
    const labels = lookupObjectField(objectMeta, 'labels').schema;
    assert.deepEqual(lookupObjectField(labels, 'anything'), { meta: { strategies: [], mergeKey: '' }, schema: { type: 'string' } });
  });

  it('matches field names case-insensitively when there is no exact match, as Go does', () => {
    assert.equal(lookupListField(podSpec, 'Containers').meta.mergeKey, 'name');
  });

  it('knows nothing about unknown fields or schema-less values', () => {
    assert.deepEqual(lookupListField(podSpec, 'nope'), { meta: { strategies: [], mergeKey: '' }, schema: undefined });
    assert.deepEqual(lookupObjectField(undefined, 'x'), { meta: { strategies: [], mergeKey: '' }, schema: undefined });
  });

  it('names element kinds as Go does', () => {
    assert.equal(elementKindName(container), 'struct');
    assert.equal(elementKindName({ type: 'object', additionalProperties: { type: 'string' } }), 'map');
    assert.equal(elementKindName({ type: 'string' }), 'string');
    assert.equal(elementKindName(undefined), 'struct');
  });
});
