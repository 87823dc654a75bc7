import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloneJson, firstContainerBeyondDepth, getKey, hasKey, setKey } from './json-value.js';

describe('own-key access', () => {
  it('treats __proto__ and constructor as ordinary keys', () => {
    const o = {} as Record<string, any>;
    setKey(o, '__proto__', { polluted: true });
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.deepEqual(Object.keys(o), ['__proto__']);
    assert.equal(({} as any).polluted, undefined);
    assert.equal(getKey(o, 'constructor'), undefined);
    assert.equal(hasKey(o, 'toString'), false);
  });
});

describe('cloneJson', () => {
  it('copies deeply, keeps __proto__ keys as data and drops what JSON cannot hold', () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"a":[1,{"b":2}]}');
    const copy = cloneJson({ ...parsed, gone: undefined, list: [undefined, NaN] }) as any;
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(Object.keys(copy), ['__proto__', 'a', 'list']);
    assert.deepEqual(copy.a, [1, { b: 2 }]);
    assert.notEqual(copy.a, parsed.a);
    assert.deepEqual(copy.list, [null, null]);
    assert.equal(cloneJson(undefined), null);
  });

  it('copies values nested deeper than the call stack', () => {
    let deep: any = {};
    for (let i = 0; i < 50000; i++) deep = { d: deep };
    let copy: any = cloneJson(deep);
    let depth = 0;
    while (copy.d) {
      copy = copy.d;
      depth++;
    }
    assert.equal(depth, 50000);
  });
});

describe('firstContainerBeyondDepth', () => {
  it('names the bracket of the first container past the limit, in document order', () => {
    assert.equal(firstContainerBeyondDepth({ a: [[1]] }, 3), undefined);
    assert.equal(firstContainerBeyondDepth({ a: [[1]], b: [{ c: [] }] }, 2), '[');
    assert.equal(firstContainerBeyondDepth({ a: 1, b: [{ c: 1 }] }, 2), '{');
    assert.equal(firstContainerBeyondDepth('scalar', 0), undefined);
  });
});
