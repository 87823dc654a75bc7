import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, applyPatchDetailed, GENERIC_UNPROCESSABLE_MESSAGE, MAX_JSON_PATCH_OPERATIONS } from './index.js';
import { isStatusError, type StatusError } from '../../machinery/errors.js';

function jsonPatch(doc: unknown, ops: unknown): unknown {
  return applyPatch('json', doc, ops, undefined);
}

function failure(doc: unknown, ops: unknown, options = {}): StatusError {
  try {
    applyPatch('json', doc, ops, undefined, options);
  } catch (e) {
    assert.ok(isStatusError(e), `expected a StatusError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the patch to fail');
}

/** A failed operation: the server's generic 422, with evanphx's own message as the cause. */
function assertFailedOperation(e: StatusError, cause: string): void {
  assert.equal(e.code, 422);
  assert.equal(e.reason, 'Invalid');
  assert.equal(e.message, GENERIC_UNPROCESSABLE_MESSAGE);
  assert.deepEqual(e.toStatus().details, {});
  assert.equal((e.cause as Error).message, cause);
}

describe('JSON patch: RFC 6902 appendix A', () => {
  it('A.1 adds an object member', () => {
    assert.deepEqual(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { foo: 'bar', baz: 'qux' });
  });

  it('A.2 adds an array element', () => {
    assert.deepEqual(jsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), { foo: ['bar', 'qux', 'baz'] });
  });

  it('A.3 and A.4 remove a member and an element', () => {
    assert.deepEqual(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
    assert.deepEqual(jsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), { foo: ['bar', 'baz'] });
  });

  it('A.5 replaces a value', () => {
    assert.deepEqual(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), { baz: 'boo', foo: 'bar' });
  });

  it('A.6 and A.7 move a value and an array element', () => {
    assert.deepEqual(
      jsonPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]),
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    );
    assert.deepEqual(jsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]), {
      foo: ['all', 'cows', 'eat', 'grass'],
    });
  });

  it('A.8 tests a value successfully', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    assert.deepEqual(
      jsonPatch(doc, [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ]),
      doc,
    );
  });

  it('A.9 a failed test fails the whole patch', () => {
    assertFailedOperation(failure({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), 'testing value /baz failed: test failed');
  });

  it('A.10 adds a nested member object', () => {
    assert.deepEqual(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]), { foo: 'bar', child: { grandchild: {} } });
  });

  it('A.11 ignores unrecognised members of an operation', () => {
    assert.deepEqual(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }]), { foo: 'bar', baz: 'qux' });
  });

  it('A.12 adding to a nonexistent target fails', () => {
    assertFailedOperation(
      failure({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]),
      'add operation does not apply: doc is missing path: "/baz/bat": missing value',
    );
  });

  it('A.14 decodes ~0 and ~1 in the right order', () => {
    assert.deepEqual(jsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }]), { '/': 9, '~1': 10 });
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'add', path: '/b~1c~0d', value: 2 }]), { a: 1, 'b/c~d': 2 });
  });

  it('A.15 a string does not test equal to a number', () => {
    assertFailedOperation(failure({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]), 'testing value /~01 failed: test failed');
  });

  it('A.16 adds an array value', () => {
    assert.deepEqual(jsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), { foo: ['bar', ['abc', 'def']] });
  });
});

describe('JSON patch: where Kubernetes (evanphx/json-patch v4) departs from the RFC', () => {
  it('replace of a missing object member adds it', () => {
    assert.deepEqual(jsonPatch({ metadata: {} }, [{ op: 'replace', path: '/metadata/labels', value: { a: 'b' } }]), {
      metadata: { labels: { a: 'b' } },
    });
  });

  it('negative indices count from the end', () => {
    const doc = { list: ['a', 'b', 'c'] };
    assert.deepEqual(jsonPatch(doc, [{ op: 'replace', path: '/list/-1', value: 'z' }]), { list: ['a', 'b', 'z'] });
    assert.deepEqual(jsonPatch(doc, [{ op: 'remove', path: '/list/-3' }]), { list: ['b', 'c'] });
    assert.deepEqual(jsonPatch(doc, [{ op: 'add', path: '/list/-1', value: 'end' }]), { list: ['a', 'b', 'c', 'end'] });
    assertFailedOperation(
      failure(doc, [{ op: 'remove', path: '/list/-4' }]),
      "error in remove for path: '/list/-4': Unable to access invalid index: -4: invalid index referenced",
    );
  });

  it('add at the root path fails; replace at the root takes an object and ignores a scalar', () => {
    assertFailedOperation(failure({ a: 1 }, [{ op: 'add', path: '', value: { b: 2 } }]), 'add operation does not apply: doc is missing path: "": missing value');
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: 5 }]), { a: 1 });
  });

  it('copy from a missing member writes null', () => {
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'copy', from: '/missing', path: '/b' }]), { a: 1, b: null });
  });

  it('copy makes an independent copy', () => {
    const result = jsonPatch({ a: { x: [1] } }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'add', path: '/b/x/-', value: 2 },
    ]);
    assert.deepEqual(result, { a: { x: [1] }, b: { x: [1, 2] } });
  });

  it('test of a missing member against null passes', () => {
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'test', path: '/missing', value: null }]), { a: 1 });
  });

  it('an add without a value adds null', () => {
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'add', path: '/b' }]), { a: 1, b: null });
  });

  it('array indices accept leading zeros and a plus sign, as strconv.Atoi does', () => {
    assert.deepEqual(jsonPatch({ l: ['a', 'b'] }, [{ op: 'remove', path: '/l/01' }]), { l: ['a'] });
    assert.deepEqual(jsonPatch({ l: ['a', 'b'] }, [{ op: 'remove', path: '/l/+0' }]), { l: ['b'] });
  });

  it('reports each kind of failure with evanphx messages', () => {
    const doc = { metadata: { labels: { a: 'b' } }, list: [1, 2] };
    assertFailedOperation(
      failure(doc, [{ op: 'remove', path: '/metadata/labels/x' }]),
      "error in remove for path: '/metadata/labels/x': Unable to remove nonexistent key: x: missing value",
    );
    assertFailedOperation(
      failure(doc, [{ op: 'add', path: '/list/5', value: 0 }]),
      "error in add for path: '/list/5': Unable to access invalid index: 5: invalid index referenced",
    );
    assertFailedOperation(
      failure(doc, [{ op: 'add', path: '/list/x', value: 0 }]),
      `error in add for path: '/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    );
    assertFailedOperation(
      failure(doc, [{ op: 'replace', path: '/list/9', value: 0 }]),
      'replace operation does not apply: doc is missing key: /list/9: missing value',
    );
    assertFailedOperation(failure(doc, [{ op: 'remove' }]), 'remove operation failed to decode path: missing value');
    assertFailedOperation(failure(doc, [{ op: 'move', path: '/x' }]), 'move operation failed to decode from: operation, missing from field: missing value');
    assertFailedOperation(failure(doc, [{ op: 'frobnicate', path: '/x' }]), 'Unexpected kind: frobnicate');
    assertFailedOperation(failure(doc, [null]), 'Unexpected kind: unknown');
    assertFailedOperation(
      failure(doc, [{ op: 'move', from: '/metadata', path: '/metadata/labels/m' }]),
      'move operation does not apply: doc is missing destination path: /metadata/labels/m: missing value',
    );
  });

  it('fails atomically and never changes its input', () => {
    const doc = { a: 1 };
    failure(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 2 }]);
    assert.deepEqual(doc, { a: 1 });
  });

  it('caps the bytes copy operations may add', () => {
    const big = 'x'.repeat(1024 * 1024);
    const ops = [0, 1, 2].map((i) => ({ op: 'copy', from: '/big', path: `/c${i}` }));
    const e = failure({ big }, ops);
    assertFailedOperation(e, 'Unable to complete the copy, the accumulated size increase of copy is 3145734, exceeding the limit 3145728');
    assert.equal(Object.keys(jsonPatch({ big }, ops.slice(0, 2)) as object).length, 3);
  });
});

describe('JSON patch: decoding the request body', () => {
  it('a body that is not an array is a 400, worded by fieldValidation', () => {
    const e = failure({}, { op: 'add', path: '/a', value: 1 });
    assert.equal(e.code, 400);
    assert.equal(e.message, 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    const ignored = failure({}, { op: 'add' }, { fieldValidation: 'Ignore' });
    assert.equal(ignored.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });

  it('operations must be objects and op, path and from strings', () => {
    assert.equal(failure({}, ['add']).message, 'error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp');
    assert.equal(
      failure({}, [{ op: 1, path: '/a' }]).message,
      'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    );
    assert.equal(
      failure({}, [{ op: 'add', path: ['a'] }], { fieldValidation: 'Strict' }).message,
      'error decoding patch: json: cannot unmarshal array into Go struct field jsonPatchOp.path of type string',
    );
    assert.equal(failure({}, [5], { fieldValidation: 'Ignore' }).message, 'json: cannot unmarshal number into Go value of type jsonpatch.Operation');
  });

  it('with Ignore, a non-string op is simply not an operation kind', () => {
    assertFailedOperation(failure({}, [{ op: 1, path: '/a' }], { fieldValidation: 'Ignore' }), 'Unexpected kind: unknown');
  });

  it('a null body is an empty patch', () => {
    assert.deepEqual(jsonPatch({ a: 1 }, null), { a: 1 });
  });

  it('allows 10000 operations and refuses more with 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS }, () => ({ op: 'test', path: '/a', value: 1 }));
    assert.deepEqual(jsonPatch({ a: 1 }, ops), { a: 1 });
    const e = failure({ a: 1 }, [...ops, ops[0]]);
    assert.equal(e.code, 413);
    assert.equal(e.reason, 'RequestEntityTooLarge');
    assert.equal(e.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  });

  it('reports unknown operation fields as strict decoding errors', () => {
    const outcome = applyPatchDetailed('json', { a: 1 }, [{ op: 'add', path: '/b', value: 2, valu: 3 }, { Op: 'x', op: 'test', path: '/a', value: 1 }], undefined);
    assert.deepEqual(outcome.object, { a: 1, b: 2 });
    assert.deepEqual(outcome.strictErrors, ['json patch unknown field "[0].valu"', 'json patch unknown field "[1].Op"']);
    const ignored = applyPatchDetailed('json', { a: 1 }, [{ op: 'test', path: '/a', value: 1, x: 1 }], undefined, { fieldValidation: 'Ignore' });
    assert.deepEqual(ignored.strictErrors, []);
  });
});
