import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dedupeScalars, elementKind } from './strategic-lists.js';
import { FirstPositionIndex, goEqual, GoPanic, hashKey } from './go-equality.js';
import { MergeError } from './strategic-errors.js';
import type { JsonValue } from './json-value.js';

/** The quadratic Go algorithm, literally: a duplicate's slot takes the current last item. */
function dedupeReference(input: JsonValue[]): JsonValue[] {
  const s = input.slice();
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

describe('dedupeScalars', () => {
  it('matches the Go algorithm, including the order it leaves behind', () => {
    assert.deepEqual(dedupeScalars(['a', 'b', 'a', 'c', 'b', 'd']), ['a', 'b', 'd', 'c']);
    const next = random(42);
    for (let round = 0; round < 500; round++) {
      const size = Math.floor(next() * 40);
      const alphabet = 1 + Math.floor(next() * 12);
      const items = Array.from({ length: size }, () => `v${Math.floor(next() * alphabet)}`);
      assert.deepEqual(dedupeScalars(items), dedupeReference(items), JSON.stringify(items));
    }
  });

  it('dedupes a huge list (a quadratic one would run into the timeout)', () => {
    const items = Array.from({ length: 200_000 }, (_, i) => i % 50_000);
    const result = dedupeScalars(items);
    assert.equal(result.length, 50_000);
  });
});

describe('elementKind (sliceElementType)', () => {
  it('requires one Go type across both lists', () => {
    assert.equal(elementKind([[{ a: 1 }], [{ b: 2 }]]), 'map');
    assert.equal(elementKind([['a'], []]), 'string');
    assert.throws(() => elementKind([[1], [1.5]]), (e: unknown) => e instanceof MergeError && e.message === 'list element types are not identical: [[1] [1.5]]');
    assert.throws(() => elementKind([[], []]), /no elements in any of the given slices/);
    assert.throws(() => elementKind([[['x']]]), /lists of lists are not supported/);
    assert.throws(() => elementKind([[null, 'a']]), GoPanic);
  });
});

describe('Go equality', () => {
  it('distinguishes types and panics on two maps', () => {
    assert.equal(goEqual(1, 1), true);
    assert.equal(goEqual(1, '1'), false);
    assert.equal(goEqual(1, 1.5), false);
    assert.equal(goEqual(null, null), true);
    assert.equal(goEqual({}, 'x'), false);
    assert.throws(() => goEqual({}, {}), /comparing uncomparable type map\[string\]interface \{\}/);
    assert.throws(() => hashKey([1]), /hash of unhashable type \[\]interface \{\}/);
  });

  it('finds first positions and panics only where a Go scan would', () => {
    const index = FirstPositionIndex.of([{ k: 'a' }, { k: 'b' }, { k: 'a' }, { k: { x: 1 } }, {}], (item) =>
      typeof item === 'object' && item !== null && !Array.isArray(item) && 'k' in item ? item.k : undefined,
    );
    assert.equal(index.find('a'), 0);
    assert.equal(index.find('b'), 1);
    assert.equal(index.find('zzz'), Infinity);
    assert.equal(index.find(['list']), Infinity);
    assert.throws(() => index.find({ y: 2 }), GoPanic);
  });
});
