import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { anyYaml, memoizedAnyYaml } from './any-yaml.js';

test('extension values are written as block YAML with four-space indents', () => {
  assert.equal(anyYaml('merge'), 'merge\n');
  assert.equal(anyYaml(['name', 'protocol']), '- name\n- protocol\n');
  assert.equal(anyYaml([{ group: '', kind: 'Pod', version: 'v1' }]), '- group: ""\n  kind: Pod\n  version: v1\n');
  assert.equal(anyYaml({ a: { b: [1, 2] } }), 'a:\n    b:\n        - 1\n        - 2\n');
  assert.equal(anyYaml(true), 'true\n');
  assert.equal(anyYaml(0.5), '0.5\n');
});

test('strings a YAML 1.1 reader would take for something else are quoted', () => {
  for (const s of ['on', 'yes', 'No', 'y', 'true', '', '1', '1.0', '0777', '1:20', '~', 'null', '2001-01-01']) {
    const text = anyYaml(s);
    assert.match(text, /^"/, `${JSON.stringify(s)} → ${text}`);
    assert.equal(parse(text, { version: '1.1' }), s);
  }
  // Long descriptions are not folded, so each stays one line as in the JSON.
  const long = 'word '.repeat(40).trim();
  assert.equal(anyYaml(long), `${long}\n`);
});

test('values round-trip through a YAML 1.1 parser', () => {
  const values = [
    [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
    { rule: "self.minReplicas <= self.replicas", message: 'replicas: too few' },
    ['Always', 'OnFailure', 'Never'],
    'multi\nline\ntext',
    42,
    null,
  ];
  for (const v of values) assert.deepEqual(parse(anyYaml(v), { version: '1.1' }), v);
});

test('the memoized writer gives the same text for equal values', () => {
  const yaml = memoizedAnyYaml();
  assert.equal(yaml({ group: '', kind: 'Pod', version: 'v1' }), yaml({ group: '', kind: 'Pod', version: 'v1' }));
  // A string and the JSON of something else never share an entry.
  assert.equal(yaml('1'), '"1"\n');
  assert.equal(yaml(1), '1\n');
  assert.equal(yaml('["a"]'), '"[\\"a\\"]"\n');
  assert.equal(yaml(['a']), '- a\n');
});
