import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyPatch,
  applyPatchDetailed,
  checkBodySize,
  MAX_NESTING_DEPTH,
  MAX_REQUEST_BODY_BYTES,
  patchedObjectInvalid,
  type FieldValidation,
  type PatchType,
} from './index.js';
import { isStatusError, type StatusError } from '../../machinery/errors.js';
import { deployment, pod } from './schemas.fixture.js';

const TYPES: PatchType[] = ['json', 'merge', 'strategic'];

function failure(type: PatchType, current: unknown, patch: unknown, fieldValidation?: FieldValidation): StatusError {
  try {
    applyPatch(type, current, patch, pod, { fieldValidation });
  } catch (e) {
    assert.ok(isStatusError(e), `expected a StatusError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the patch to fail');
}

/** `leaf` wrapped in `levels` objects (or arrays). */
function nested(levels: number, leaf: unknown, bracket: '{' | '[' = '{'): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = bracket === '{' ? { n: v } : [v];
  return v;
}

describe('applyPatch: decoding the body', () => {
  it('a strategic merge patch must be an object; null is an empty patch', () => {
    for (const [patch, kind] of [[[1], 'array'], ['x', 'string'], [3, 'number'], [false, 'bool']] as const) {
      const e = failure('strategic', { a: 1 }, patch);
      assert.equal(e.code, 400);
      assert.equal(e.reason, 'BadRequest');
      assert.equal(e.message, `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
    }
    assert.deepEqual(applyPatch('strategic', { a: 1 }, null, pod), { a: 1 });
  });

  it('accepts a patch nested 10000 deep and refuses one nested deeper, as Go does', () => {
    const deepest = nested(MAX_NESTING_DEPTH - 1, 'leaf');
    assert.ok(applyPatch('merge', {}, { x: deepest }, undefined));
    const tooDeep = { x: nested(MAX_NESTING_DEPTH, 'leaf', '[') };
    const expected: Record<PatchType, [FieldValidation, string][]> = {
      strategic: [['Warn', "invalid character '[' exceeded max depth"]],
      merge: [
        ['Warn', "error decoding patch: invalid character '[' exceeded max depth"],
        ['Ignore', 'Invalid JSON Patch'],
      ],
      json: [
        ['Strict', "error decoding patch: invalid character '[' exceeded max depth"],
        ['Ignore', "invalid character '[' exceeded max depth"],
      ],
    };
    for (const type of TYPES) {
      for (const [validation, message] of expected[type]) {
        const patch = type === 'json' ? [{ op: 'add', path: '/x', value: tooDeep }] : tooDeep;
        const e = failure(type, {}, patch, validation);
        assert.equal(e.code, 400);
        assert.equal(e.message, message);
      }
    }
  });

  it('an object and a patch nested thousands of levels together fail cleanly, not with a crash', () => {
    let result: unknown;
    try {
      result = applyPatch('strategic', nested(8000, 1), nested(8000, 2), undefined);
    } catch (e) {
      assert.ok(isStatusError(e));
      assert.equal(e.code, 400);
      return;
    }
    assert.ok(result);
  });

  it('refuses a body over 3 MiB with 413, as limitedReadBody does', () => {
    checkBodySize(MAX_REQUEST_BODY_BYTES);
    assert.throws(
      () => checkBodySize(MAX_REQUEST_BODY_BYTES + 1),
      (e: unknown) => isStatusError(e) && e.code === 413 && e.message === 'Request entity too large: limit is 3145728',
    );
  });

  it('answers an unknown patch type with an internal error', () => {
    const e = failure('yaml' as PatchType, {}, {});
    assert.equal(e.code, 500);
  });
});

describe('applyPatch: inputs stay untouched and results are fresh', () => {
  const current = () => ({
    metadata: { name: 'p', labels: { a: '1' }, finalizers: ['x'] },
    spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'E', value: '1' }] }], volumes: [{ name: 'v', emptyDir: {} }] },
  });
  const patches: Record<PatchType, unknown> = {
    strategic: {
      metadata: { labels: { a: null, b: '2' }, '$deleteFromPrimitiveList/finalizers': ['x'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'd' }, { name: 'c' }],
        containers: [{ name: 'd', x: { y: null } }, { name: 'c', env: [{ name: 'E', $patch: 'delete' }] }],
        volumes: [{ $retainKeys: ['name', 'hostPath'], name: 'v', hostPath: { path: '/' } }],
        newField: { $patch: 'replace', q: null, deep: [{ $patch: 'delete' }, 1] },
      },
    },
    merge: { metadata: { labels: { a: null } }, spec: { containers: [{ name: 'z', n: null }], extra: { k: null, j: 1 } } },
    json: [
      { op: 'add', path: '/spec/containers/-', value: { name: 'n' } },
      { op: 'copy', from: '/spec/containers/0', path: '/spec/copy' },
      { op: 'move', from: '/metadata/labels', path: '/spec/labels' },
    ],
  };

  for (const type of TYPES) {
    it(`${type}: neither argument changes, and changing the result changes neither`, () => {
      const before = current();
      const patch = structuredClone(patches[type]);
      const result = applyPatch(type, before, patch, pod) as any;
      assert.deepEqual(before, current());
      assert.deepEqual(patch, patches[type]);
      result.spec.containers[0].name = 'mutated';
      result.spec.containers.push('more');
      assert.deepEqual(before, current());
      assert.deepEqual(patch, patches[type]);
    });
  }
});

describe('applyPatch: hostile keys', () => {
  const hostile = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"metadata":{"labels":{"__proto__":"x","toString":"y"}}}');

  for (const type of TYPES) {
    it(`${type}: __proto__ and constructor are plain keys, and Object.prototype stays clean`, () => {
      const patch =
        type === 'json'
          ? [
              { op: 'add', path: '/__proto__', value: { polluted: true } },
              { op: 'add', path: '/constructor', value: { prototype: { polluted: true } } },
              { op: 'add', path: '/metadata/labels/__proto__', value: 'x' },
              { op: 'replace', path: '/metadata/labels/toString', value: 'y' },
            ]
          : hostile;
      const result = applyPatch(type, { metadata: { labels: {} } }, patch, pod) as any;
      assert.equal(({} as any).polluted, undefined);
      assert.equal((Object.prototype as any).polluted, undefined);
      assert.equal(Object.getPrototypeOf(result), Object.prototype);
      assert.equal(Object.getPrototypeOf(result.metadata.labels), Object.prototype);
      assert.deepEqual(Object.keys(result.metadata.labels).sort(), ['__proto__', 'toString']);
      assert.equal(Object.getOwnPropertyDescriptor(result, '__proto__')?.value.polluted, true);
    });
  }

  it('a key named like a method of Object.prototype is not mistaken for an existing field', () => {
    const result = applyPatch('strategic', {}, { toString: { a: 1 }, hasOwnProperty: [1] }, pod) as any;
    assert.deepEqual(JSON.parse(JSON.stringify(result)), { toString: { a: 1 }, hasOwnProperty: [1] });
  });
});

describe('applyPatch: wrong types and random documents never escape as anything but a StatusError', () => {
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }
  const KEYS = [
    'spec', 'metadata', 'containers', 'initContainers', 'volumes', 'finalizers', 'labels', 'name', 'image', 'env', 'value',
    'tolerations', 'ports', 'containerPort', '$patch', '$retainKeys', '$setElementOrder/containers',
    '$setElementOrder/finalizers', '$deleteFromPrimitiveList/finalizers', '$deleteFromPrimitiveList/', '__proto__',
    'constructor', 'template',
  ];
  const SCALARS = [null, 'delete', 'replace', 'merge', 'a', 'b', 0, 1, 1.5, true, false, ''];

  function value(next: () => number, depth: number): unknown {
    const r = next();
    if (depth > 4 || r < 0.45) return SCALARS[Math.floor(next() * SCALARS.length)];
    if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    const o: Record<string, unknown> = {};
    const size = Math.floor(next() * 5);
    for (let i = 0; i < size; i++) {
      Object.defineProperty(o, KEYS[Math.floor(next() * KEYS.length)], {
        value: value(next, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return o;
  }

  function operations(next: () => number): unknown {
    const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', 5, null];
    const PATHS = ['', '/', '/spec', '/spec/containers', '/spec/containers/0', '/spec/containers/-', '/spec/containers/-1/name', '/metadata/labels/a', '/x/y', 'nope', '/~1', 7];
    const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
    if (next() < 0.05) return value(next, 0);
    return Array.from({ length: Math.floor(next() * 5) }, () => {
      if (next() < 0.05) return pick(SCALARS);
      const op: Record<string, unknown> = { op: pick(OPS), path: pick(PATHS) };
      if (next() < 0.6) op.from = pick(PATHS);
      if (next() < 0.8) op.value = value(next, 2);
      if (next() < 0.1) op.extra = 1;
      return op;
    });
  }

  it('survives thousands of random patches of every type, with and without a schema', () => {
    const next = random(2024);
    const codes = new Map<number, number>();
    for (let round = 0; round < 3000; round++) {
      const type = TYPES[round % 3];
      const current = { metadata: value(next, 1), spec: value(next, 1), ...(value(next, 3) as object) };
      const patch = type === 'json' ? operations(next) : next() < 0.1 ? value(next, 0) : { metadata: value(next, 1), spec: value(next, 1) };
      const snapshot = JSON.stringify([current, patch]);
      const validation = (['Ignore', 'Warn', 'Strict'] as const)[round % 3];
      try {
        const result = applyPatch(type, current, patch, round % 2 ? deployment : undefined, { fieldValidation: validation });
        assert.doesNotThrow(() => JSON.stringify(result));
        codes.set(200, (codes.get(200) ?? 0) + 1);
      } catch (e) {
        assert.ok(isStatusError(e), `round ${round}: ${type} threw ${String(e)} for ${snapshot}`);
        assert.ok([400, 413, 422, 500].includes(e.code), `unexpected code ${e.code}`);
        if (e.code === 500) assert.equal(e.reason, '', `a 500 is a plain Go error, not a crash: ${e.message}`);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
      assert.equal(JSON.stringify([current, patch]), snapshot, `round ${round} changed its inputs`);
    }
    assert.ok((codes.get(200) ?? 0) > 300, `too few successes: ${JSON.stringify([...codes])}`);
    assert.ok((codes.get(400) ?? 0) > 0 && (codes.get(422) ?? 0) > 0);
  });

  it('a string where a list or map belongs, at every level of a Deployment, is taken as a value', () => {
    const current = {
      spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', env: [{ name: 'E' }] }] } } },
    };
    const paths = [['spec'], ['spec', 'template'], ['spec', 'template', 'spec'], ['spec', 'template', 'spec', 'containers'], ['spec', 'template', 'metadata', 'labels']];
    for (const path of paths) {
      const patch: any = {};
      let cursor = patch;
      path.slice(0, -1).forEach((key) => (cursor = cursor[key] = {}));
      cursor[path[path.length - 1]] = 'oops';
      let result: any = applyPatch('strategic', current, patch, deployment);
      for (const key of path) result = result[key];
      assert.equal(result, 'oops');
    }
  });
});

// Quadratic merging would make these run for minutes (the test's timeout); speed itself is the
// benchmarks' business.
describe('applyPatch: large documents', () => {
  it('merges 100000 finalizers and 20000 containers by key', () => {
    const finalizers = Array.from({ length: 100_000 }, (_, i) => `f${i}`);
    const withFinalizers = applyPatch('strategic', { metadata: { finalizers } }, { metadata: { finalizers: finalizers.slice(0, 50_000).concat(['new']) } }, pod) as any;
    assert.equal(withFinalizers.metadata.finalizers.length, 100_001);

    const containers = Array.from({ length: 20_000 }, (_, i) => ({ name: `c${i}`, image: 'a' }));
    const merged = applyPatch('strategic', { spec: { containers } }, { spec: { containers: containers.map((c) => ({ name: c.name, image: 'b' })).reverse() } }, pod) as any;
    assert.equal(merged.spec.containers[0].name, 'c19999');
    assert.equal(merged.spec.containers[0].image, 'b');
  });
});

describe('patchedObjectInvalid', () => {
  it('quotes the patched JSON for merge patches and the consumed patch map for strategic ones', () => {
    const merged = applyPatchDetailed('merge', { a: 1 }, { b: '<x>' }, undefined);
    const e = patchedObjectInvalid(merged, 'strict decoding error: unknown field "b"');
    assert.equal(e.code, 422);
    assert.equal(e.message, ' "" is invalid: patch: Invalid value: "{\\"a\\":1,\\"b\\":\\"\\\\u003cx\\\\u003e\\"}": strict decoding error: unknown field "b"');

    const strategic = applyPatchDetailed(
      'strategic',
      { spec: { containers: [{ name: 'a' }] } },
      { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', image: 'x' }], foo: 1 } },
      pod,
    );
    assert.equal(patchedObjectInvalid(strategic, 'd').message, ' "" is invalid: patch: Invalid value: "map[spec:map[foo:1]]": d');
  });
});
