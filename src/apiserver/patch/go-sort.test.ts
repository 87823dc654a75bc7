import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sliceStable } from './go-sort.js';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('sliceStable', () => {
  it('sorts stably for every size, across the insertion-sort and SymMerge phases', () => {
    const next = random(7);
    for (const size of [0, 1, 2, 19, 20, 21, 39, 40, 41, 100, 257, 1000]) {
      const items = Array.from({ length: size }, (_, i) => ({ key: Math.floor(next() * 10), order: i }));
      const expected = [...items].sort((a, b) => a.key - b.key || a.order - b.order);
      sliceStable(items, (a, b) => a.key < b.key);
      assert.deepEqual(items, expected, `size ${size}`);
    }
  });

  it('follows Go step for step with a comparator that always answers "less"', () => {
    // Go's insertion sort swaps every adjacent pair it looks at, which reverses a block.
    const small = ['a', 'b', 'c', 'd'];
    sliceStable(small, () => true);
    assert.deepEqual(small, ['d', 'c', 'b', 'a']);
  });

  it('leaves an already sorted list alone with a comparator that never answers "less"', () => {
    const items = Array.from({ length: 75 }, (_, i) => i);
    sliceStable(items, () => false);
    assert.deepEqual(items, Array.from({ length: 75 }, (_, i) => i));
  });
});
