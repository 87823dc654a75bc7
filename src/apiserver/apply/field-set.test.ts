import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.js';
import { fieldElement as f, indexElement, keyElement, parsePathElement, pathString, valueElement, type Path } from './path-element.js';

// Golden FieldsV1 documents from structured-merge-diff's serializer tests: reading and
// writing them back must give the same bytes, which pins the key order (fields, then keys,
// then values, then indexes; numbers before strings before booleans) and the `.` handling.
const golden = [
  String.raw`{"f:aaa":{},"f:aab":{},"f:aac":{},"f:aad":{},"f:aae":{},"f:aaf":{},"k:{\"name\":\"first\"}":{},"k:{\"name\":\"second\"}":{},"k:{\"port\":443,\"protocol\":\"tcp\"}":{},"k:{\"port\":443,\"protocol\":\"udp\"}":{},"v:1":{},"v:2":{},"v:3":{},"v:\"aa\"":{},"v:\"ab\"":{},"v:true":{},"i:1":{},"i:2":{},"i:3":{},"i:4":{}}`,
  String.raw`{"f:aaa":{"k:{\"name\":\"second\"}":{"v:3":{"f:aab":{}}},"v:3":{},"v:true":{}},"f:aab":{"f:aaa":{},"f:aaf":{"k:{\"port\":443,\"protocol\":\"udp\"}":{"k:{\"port\":443,\"protocol\":\"tcp\"}":{}}},"k:{\"name\":\"first\"}":{}},"f:aac":{"f:aaa":{"v:1":{}},"f:aac":{},"v:3":{"k:{\"name\":\"second\"}":{}}},"f:aad":{"f:aac":{"v:1":{}},"f:aaf":{"k:{\"name\":\"first\"}":{"k:{\"name\":\"first\"}":{}}},"i:1":{"i:1":{},"i:3":{"v:true":{}}}},"f:aae":{"f:aae":{},"k:{\"port\":443,\"protocol\":\"tcp\"}":{"k:{\"port\":443,\"protocol\":\"udp\"}":{}},"i:4":{"f:aaf":{}}},"f:aaf":{"i:1":{"f:aac":{}},"i:2":{},"i:3":{}},"k:{\"name\":\"first\"}":{"f:aad":{"f:aaf":{}}},"k:{\"port\":443,\"protocol\":\"tcp\"}":{"f:aaa":{"f:aad":{}}},"k:{\"port\":443,\"protocol\":\"udp\"}":{"f:aac":{},"k:{\"name\":\"first\"}":{"i:3":{}},"k:{\"port\":443,\"protocol\":\"udp\"}":{"i:4":{}}},"v:1":{"f:aac":{"i:4":{}},"f:aaf":{},"k:{\"port\":443,\"protocol\":\"tcp\"}":{}},"v:2":{"f:aad":{"f:aaf":{}},"i:1":{}},"v:3":{"f:aaa":{},"k:{\"name\":\"first\"}":{},"i:2":{}},"v:\"aa\"":{"f:aab":{"f:aaf":{}},"f:aae":{},"k:{\"name\":\"first\"}":{"f:aad":{}},"i:2":{}},"v:\"ab\"":{"f:aaf":{"i:4":{}},"k:{\"port\":443,\"protocol\":\"tcp\"}":{},"k:{\"port\":443,\"protocol\":\"udp\"}":{},"v:1":{"k:{\"port\":443,\"protocol\":\"udp\"}":{}},"i:1":{"f:aae":{"i:4":{}}}},"v:true":{"k:{\"name\":\"second\"}":{"f:aaa":{}},"i:2":{"k:{\"port\":443,\"protocol\":\"tcp\"}":{}}},"i:1":{"i:3":{"f:aaf":{}}},"i:2":{"f:aae":{},"k:{\"port\":443,\"protocol\":\"tcp\"}":{"v:1":{}}},"i:3":{"f:aab":{"v:true":{"v:\"aa\"":{}}},"f:aaf":{},"i:1":{}},"i:4":{"v:\"aa\"":{"f:aab":{"k:{\"name\":\"second\"}":{}}}}}`,
];

const roundTrip = (json: string): string => JSON.stringify(FieldSet.fromFieldsV1(JSON.parse(json)).toFieldsV1());

describe('FieldsV1', () => {
  for (const [i, doc] of golden.entries()) {
    it(`writes golden document ${i} back byte for byte`, () => assert.equal(roundTrip(doc), doc));
  }

  it('writes a parent that is also a member with "." first', () => {
    const s = FieldSet.of([f('metadata'), f('labels')], [f('metadata'), f('labels'), f('app')], [f('spec'), f('replicas')]);
    assert.equal(JSON.stringify(s.toFieldsV1()), '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}');
  });

  it('spells list-map keys as JSON with sorted key names, whatever order they came in', () => {
    const pe = keyElement([
      ['protocol', 'TCP'],
      ['containerPort', 80],
    ]);
    assert.equal(pe.key, 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(parsePathElement('k:{"protocol":"TCP","containerPort":80}')!.key, pe.key);
  });

  it('escapes <, > and & in key values as Go does', () => {
    assert.equal(keyElement([['name', 'a<b>&c']]).key, 'k:{"name":"a\\u003cb\\u003e\\u0026c"}');
  });

  it('orders numeric keys numerically, not as text', () => {
    const s = FieldSet.of([keyElement([['port', 8080]])], [keyElement([['port', 443]])], [keyElement([['port', 80]])]);
    assert.deepEqual(Object.keys(s.toFieldsV1()), ['k:{"port":80}', 'k:{"port":443}', 'k:{"port":8080}']);
  });

  it('drops keys of unknown kinds and rejects malformed ones', () => {
    assert.equal(roundTrip('{"f:aaa":{},"r:aab":{}}'), '{"f:aaa":{}}');
    assert.throws(() => FieldSet.fromFieldsV1({ 'k:{"name":invalid}': {} }));
    assert.throws(() => FieldSet.fromFieldsV1({ x: {} }), /key must be 2 characters long/);
    assert.throws(() => FieldSet.fromFieldsV1({ 'f-a': {} }), /missing colon/);
  });

  it('reads an empty object, and one holding only ".", as a member', () => {
    const s = FieldSet.fromFieldsV1({ 'f:a': { '.': {} }, 'f:b': {} });
    assert.ok(s.has([f('a')]));
    assert.ok(s.has([f('b')]));
  });
});

describe('FieldSet operations', () => {
  const p = (...names: string[]): Path => names.map(f);

  it('difference takes the node, not the subtree (parent - child = parent, child - parent = child)', () => {
    const parentAndChild = FieldSet.of(p('a'), p('a', 'b'));
    assert.deepEqual(parentAndChild.difference(FieldSet.of(p('a', 'b'))).paths(), [p('a')]);
    assert.deepEqual(FieldSet.of(p('a', 'b')).difference(FieldSet.of(p('a'))).paths(), [p('a', 'b')]);
  });

  it('recursiveDifference removes a member with everything below it', () => {
    const s = FieldSet.of(p('a', 'b', 'c'), p('a', 'd'), p('e'));
    assert.deepEqual(s.recursiveDifference(FieldSet.of(p('a', 'b'))).paths(), [p('e'), p('a', 'd')]);
  });

  it('union, intersection and equality', () => {
    const a = FieldSet.of(p('x'), p('y', 'z'));
    const b = FieldSet.of(p('y', 'z'), p('w'));
    assert.deepEqual(a.union(b).paths(), [p('w'), p('x'), p('y', 'z')]);
    assert.deepEqual(a.intersection(b).paths(), [p('y', 'z')]);
    assert.ok(a.union(b).equals(b.union(a)));
    assert.ok(!a.equals(b));
    assert.ok(a.intersection(FieldSet.of(p('y'))).isEmpty());
  });

  it('iterates members before children, each in path order', () => {
    const s = FieldSet.of(p('spec', 'template', 'x'), p('spec', 'replicas'), p('metadata', 'labels', 'app'), p('spec'));
    assert.deepEqual(
      s.paths().map(pathString),
      ['.spec', '.metadata.labels.app', '.spec.replicas', '.spec.template.x'],
    );
  });
});

describe('path strings', () => {
  it('reads as conflict messages print them', () => {
    const path: Path = [f('spec'), f('containers'), keyElement([['name', 'nginx']]), f('ports'), keyElement([['containerPort', 80], ['protocol', 'TCP']])];
    assert.equal(pathString(path), '.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]');
    assert.equal(pathString([f('metadata'), f('finalizers'), valueElement('a/b')]), '.metadata.finalizers[="a/b"]');
    assert.equal(pathString([f('args'), indexElement(2)]), '.args[2]');
  });
});

describe('grafted sets', () => {
  it('share the grafted set, and an insert below it changes a copy, never the shared set', () => {
    const shared = FieldSet.of([f('image')], [f('ports'), f('containerPort')]);
    const before = JSON.stringify(shared.toFieldsV1());
    const a = FieldSet.empty();
    a.graft([f('spec'), f('container')], shared);
    a.insert([f('spec'), f('container'), f('ports'), f('name')]);
    assert.equal(JSON.stringify(shared.toFieldsV1()), before);
    assert.equal(
      JSON.stringify(a.toFieldsV1()),
      '{"f:spec":{"f:container":{".":{},"f:image":{},"f:ports":{"f:containerPort":{},"f:name":{}}}}}',
    );
    const b = FieldSet.empty();
    b.graft([f('spec'), f('container')], shared);
    assert.ok(b.equals(FieldSet.of([f('spec'), f('container')], [f('spec'), f('container'), f('image')], [f('spec'), f('container'), f('ports'), f('containerPort')])));
  });

  it('give equal sets one FieldsV1 object, frozen', () => {
    const a = FieldSet.of([f('spec'), f('replicas')]).toFieldsV1();
    const b = FieldSet.of([f('spec'), f('replicas')]).toFieldsV1();
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a['f:spec']));
  });
});
