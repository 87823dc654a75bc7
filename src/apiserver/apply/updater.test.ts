import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { FieldSet } from './field-set.js';
import { fieldElement as f, pathString, type Path } from './path-element.js';
import { typeOf, type TypeNode } from './type-model.js';
import { ConflictsError, recordApply, recordUpdate, type ManagerSets, type UpdaterOptions } from './updater.js';

// The ownership rules on a small object, one write at a time.

const schema: StructuralSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    struct: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } } },
    tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    items: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['id'],
      items: { type: 'object', properties: { id: { type: 'string' }, v: { type: 'integer' } } },
    },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    status: { type: 'object', properties: { ok: { type: 'boolean' } } },
  },
};
const opts: UpdaterOptions = { type: typeOf(schema) };

class Object_ {
  live: unknown = {};
  managers: ManagerSets = new Map();
  constructor(private readonly options: UpdaterOptions = opts) {}
  apply(manager: string, config: unknown, force = false): this {
    const r = recordApply(this.live, config, 'v1', this.managers, manager, force, this.options);
    this.managers = r.managers;
    if (!r.unchanged) this.live = r.object;
    return this;
  }
  update(manager: string, next: unknown): this {
    this.managers = recordUpdate(this.live, next, 'v1', this.managers, manager, this.options);
    this.live = next;
    return this;
  }
  owned(manager: string): string[] {
    return this.managers.get(manager)?.set.paths().map(pathString) ?? [];
  }
}

describe('updates', () => {
  it('take what they add or modify from everyone, and drop what they remove from everyone', () => {
    const o = new Object_().apply('a', { name: 'x', labels: { k: 'v' }, tags: ['t'] });
    o.update('b', { name: 'y', labels: { k: 'v', k2: 'v2' } });
    assert.deepEqual(o.owned('a'), ['.labels.k']);
    assert.deepEqual(o.owned('b'), ['.name', '.labels.k2']);
  });

  it('never own reset fields, and do not take them from others', () => {
    const ignored = FieldSet.of([f('status')]);
    const o = new Object_({ ...opts, ignored }).apply('a', { name: 'x', status: { ok: true } });
    assert.deepEqual(o.owned('a'), ['.name']);
    o.update('b', { name: 'x', status: { ok: false } });
    assert.deepEqual(o.owned('b'), []);
  });
});

describe('applies', () => {
  it('conflict on a field another manager changed, listing every such field', () => {
    const o = new Object_().apply('a', { name: 'x', struct: { a: 1 } });
    o.update('b', { name: 'y', struct: { a: 2 } });
    assert.throws(
      () => o.apply('a', { name: 'x', struct: { a: 1 } }),
      (e: unknown) => e instanceof ConflictsError && e.conflicts.map((c) => `${c.manager} ${pathString(c.path)}`).join(';') === 'b .name;b .struct.a',
    );
    o.apply('a', { name: 'x', struct: { a: 1 } }, true);
    assert.deepEqual(o.live, { name: 'x', struct: { a: 1 } });
    assert.equal(o.managers.has('b'), false);
  });

  it('remove a struct whose last applied field is no longer applied', () => {
    const o = new Object_().apply('a', { name: 'x', struct: { a: 1 } }).apply('a', { name: 'x' });
    assert.deepEqual(o.live, { name: 'x' });
  });

  it('keep a struct another manager owns a field of', () => {
    const o = new Object_().apply('a', { struct: { a: 1 } });
    o.update('b', { struct: { a: 1, b: 'x' } });
    o.apply('a', {});
    assert.deepEqual(o.live, { struct: { b: 'x' } });
  });

  it('leave alone what the applier never owned', () => {
    const o = new Object_().update('b', { labels: { mine: 'no' }, tags: ['x'] });
    o.apply('a', { labels: { app: 'web' }, tags: ['y'] }).apply('a', { tags: ['y'] });
    assert.deepEqual(o.live, { labels: { mine: 'no' }, tags: ['x', 'y'] });
  });

  it('remove set items and list-map items no longer applied, keeping those of other appliers', () => {
    const o = new Object_()
      .apply('a', { tags: ['a1', 'shared'], items: [{ id: 'x', v: 1 }, { id: 'y', v: 2 }] })
      .apply('b', { tags: ['shared', 'b1'], items: [{ id: 'z', v: 3 }] })
      .apply('a', { tags: ['a1'], items: [{ id: 'y', v: 2 }] });
    assert.deepEqual(o.live, { tags: ['a1', 'shared', 'b1'], items: [{ id: 'y', v: 2 }, { id: 'z', v: 3 }] });
    assert.deepEqual(o.owned('a'), ['.items[id="y"]', '.items[id="y"].id', '.items[id="y"].v', '.tags[="a1"]']);
  });

  it('report an unchanged object when the configuration is already live', () => {
    const o = new Object_().apply('a', { name: 'x' });
    const r = recordApply(o.live, { name: 'x' }, 'v1', o.managers, 'b', false, opts);
    assert.equal(r.unchanged, true);
    assert.deepEqual(r.managers.get('b')?.set.paths().map(pathString), ['.name']);
  });
});

describe('schema changes', () => {
  it('a map that became atomic is owned whole by whoever owned part of it', () => {
    const granular = new Object_().apply('one', { struct: { a: 1 } });
    const atomicSchema: StructuralSchema = {
      ...schema,
      properties: { ...schema.properties, struct: { ...schema.properties!.struct, 'x-kubernetes-map-type': 'atomic' } },
    };
    const atomicType: TypeNode = typeOf(atomicSchema);
    const o = new Object_({ type: atomicType });
    o.live = granular.live;
    o.managers = granular.managers;
    assert.throws(
      () => o.apply('two', { struct: { b: 's' } }),
      (e: unknown) => e instanceof ConflictsError && e.conflicts.map((c) => `${c.manager} ${pathString(c.path)}`).join() === 'one .struct',
    );
    o.apply('two', { struct: { b: 's' } }, true);
    assert.deepEqual(o.live, { struct: { b: 's' } });
    assert.deepEqual(o.owned('two'), ['.struct']);
    assert.equal(o.managers.has('one'), false);
  });
});

describe('conflict order', () => {
  it('lists managers in identifier order and fields in path order', () => {
    const o = new Object_().update('z', { labels: { b: '1', a: '1' } }).update('m', { labels: { b: '1', a: '1' }, name: 'n' });
    try {
      o.apply('x', { labels: { a: '2', b: '2' }, name: 'q' });
      assert.fail('no conflict');
    } catch (e) {
      assert.ok(e instanceof ConflictsError);
      assert.deepEqual(
        e.conflicts.map((c) => `${c.manager} ${pathString(c.path as Path)}`),
        ['m .name', 'z .labels.a', 'z .labels.b'],
      );
    }
  });
});
