import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, type FieldValidation } from './index.js';
import { applyMergePatch } from './merge-patch.js';
import { isStatusError } from '../../machinery/errors.js';
import type { JsonValue } from './json-value.js';

const merge = (doc: unknown, patch: unknown, fieldValidation?: FieldValidation): unknown =>
  applyPatch('merge', doc, patch, undefined, { fieldValidation });

describe('JSON merge patch: RFC 7386 appendix A', () => {
  const examples: Array<[JsonValue, JsonValue, JsonValue]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [doc, patch, result] of examples) {
    it(`${JSON.stringify(doc)} + ${JSON.stringify(patch)} = ${JSON.stringify(result)}`, () => {
      assert.deepEqual(merge(doc, patch), result);
    });
  }

  it('a document that is not an object becomes the patch, nulls pruned', () => {
    assert.deepEqual(applyMergePatch([1, 2], { a: 'b', c: null }), { a: 'b' });
  });
});

describe('JSON merge patch: the way Kubernetes applies it', () => {
  it('a null or scalar patch is "Invalid JSON Patch" (the RFC would replace the document)', () => {
    for (const patch of [null, 'bar', 5, true]) {
      try {
        merge({ a: 'foo' }, patch, 'Ignore');
        assert.fail('expected an error');
      } catch (e) {
        assert.ok(isStatusError(e));
        assert.equal(e.code, 400);
        assert.equal(e.message, 'Invalid JSON Patch');
      }
    }
  });

  it('with field validation on (the default), a non-object body fails to decode', () => {
    try {
      merge({ a: 'b' }, ['c']);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(isStatusError(e));
      assert.equal(e.code, 400);
      assert.equal(e.message, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
    }
  });

  it('with fieldValidation=Ignore an array replaces the whole document', () => {
    assert.deepEqual(merge({ a: 'b' }, ['c', { d: null }], 'Ignore'), ['c', {}]);
  });

  it('prunes nulls from an added value, and from a list replacing a list, but not from a list replacing an object', () => {
    assert.deepEqual(merge({}, { a: [{ b: null, c: 1 }] }), { a: [{ c: 1 }] });
    assert.deepEqual(merge({ a: [1] }, { a: [{ b: null }] }), { a: [{}] });
    assert.deepEqual(merge({ a: { x: 1 } }, { a: [{ b: null }] }), { a: [{ b: null }] });
  });

  it('replaces lists instead of merging them (finalizers: [] empties)', () => {
    const pvc = { metadata: { name: 'pvc1', finalizers: ['kubernetes.io/pvc-protection'] } };
    assert.deepEqual(merge(pvc, { metadata: { finalizers: [] } }), { metadata: { name: 'pvc1', finalizers: [] } });
    assert.deepEqual(merge(pvc, { metadata: { finalizers: null } }), { metadata: { name: 'pvc1' } });
  });

  it('treats directives as ordinary keys', () => {
    assert.deepEqual(merge({ a: { b: 1 } }, { a: { $patch: 'delete' } }), { a: { b: 1, $patch: 'delete' } });
  });

  it('does not change its arguments', () => {
    const doc = { a: { b: 1 }, l: [1] };
    const patch = { a: { c: null, d: { e: null } }, l: [2] };
    merge(doc, patch);
    assert.deepEqual(doc, { a: { b: 1 }, l: [1] });
    assert.deepEqual(patch, { a: { c: null, d: { e: null } }, l: [2] });
  });
});
