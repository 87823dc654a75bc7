import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StructuralSchema } from '../../../api/schema/structural.js';
import { Interpreter } from './interpreter.js';
import { parseCel } from './parser.js';
import { CelList, CelMap, toCelValue, type Val } from './values.js';
import type { Value } from './functions.js';

const schema: StructuralSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        minReplicas: { type: 'integer' },
        ratio: { type: 'number' },
        name: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        timeout: { type: 'string', format: 'duration' },
        start: { type: 'string', format: 'date-time' },
        'my-field': { type: 'string' },
        port: { 'x-kubernetes-int-or-string': true },
      },
    },
  },
};

const self = toCelValue(
  {
    apiVersion: 'x/v1',
    kind: 'X',
    metadata: { name: 'demo', labels: { hidden: 'yes' } },
    spec: {
      replicas: 3,
      minReplicas: 1,
      ratio: 0.5,
      name: 'Hello World',
      tags: ['a', 'b', 'c'],
      set: ['x', 'y'],
      labels: { app: 'web' },
      timeout: '1m30s',
      start: '2024-05-01T10:00:00Z',
      'my-field': 'dash',
      port: 'http',
    },
  },
  schema,
  true,
);

function run(expr: string, extra: Record<string, Value> = {}): Value {
  return new Interpreter().eval(parseCel(expr), new Map<string, Value>([['self', self], ...Object.entries(extra)]));
}

function fails(expr: string, message: string): void {
  assert.throws(() => run(expr), (e: Error) => e.message === message, expr);
}

test('comparisons and arithmetic on schema-typed values', () => {
  assert.equal(run('self.spec.minReplicas <= self.spec.replicas'), true);
  assert.equal(run('self.spec.replicas * 2 + 1 == 7'), true);
  assert.equal(run('self.spec.replicas / 2 == 1 && self.spec.replicas % 2 == 1'), true);
  assert.equal(run('self.spec.ratio < 1.0 && self.spec.ratio == 0.5'), true);
  assert.equal(run('self.spec.replicas == 3.0'), true, 'numbers compare across int and double');
  assert.equal(run('-self.spec.replicas < 0'), true);
  assert.equal(run('self.spec.replicas > 5 ? "big" : "small"'), 'small');
  fails('self.spec.replicas + 0.5 > 1.0', 'no such overload');
  fails('9223372036854775807 + 1 > 0', 'integer overflow');
  fails('self.spec.replicas / 0 == 1', 'division by zero');
});

test('field presence, missing keys and escaped names', () => {
  assert.equal(run('has(self.spec.name)'), true);
  assert.equal(run('has(self.spec.image)'), false);
  fails('self.spec.image == ""', 'no such key: image');
  assert.equal(run('self.spec.my__dash__field == "dash"'), true);
  assert.equal(run('self.metadata.name == "demo"'), true);
  assert.equal(run('has(self.metadata.labels)'), false, 'only name and generateName of metadata are visible');
  assert.equal(run('self.spec.?image.orValue("none") == "none"'), true);
  assert.equal(run('self.spec.labels["app"] == "web" && "app" in self.spec.labels'), true);
});

test('errors are absorbed when the other side of && or || decides', () => {
  assert.equal(run('has(self.spec.image) && self.spec.image == "x"'), false);
  assert.equal(run('self.spec.image == "x" || true'), true);
  assert.equal(run('false && self.spec.image == "x"'), false);
  fails('self.spec.image == "x" || false', 'no such key: image');
});

test('strings', () => {
  assert.equal(run('self.spec.name.startsWith("Hello") && self.spec.name.endsWith("World") && self.spec.name.contains("lo W")'), true);
  assert.equal(run('self.spec.name.size() == 11 && size("héllo") == 5'), true);
  assert.equal(run('self.spec.name.lowerAscii()'), 'hello world');
  assert.equal(run('self.spec.name.matches("^H.*d$")'), true);
  assert.equal(run('self.spec.name.split(" ")[1]'), 'World');
  assert.equal(run('self.spec.name.substring(0, 5)'), 'Hello');
  assert.equal(run('self.spec.name.indexOf("o")'), 4n);
  assert.equal(run('self.spec.name.replace("l", "L")'), 'HeLLo WorLd');
  assert.equal(run("'  x '.trim() + r'\\n' + \"\\t\""), 'x\\n\t');
  assert.equal(run('self.spec.tags.join("-")'), 'a-b-c');
  assert.equal(run('"%s has %d".format(["a", 3])'), 'a has 3');
  assert.equal(run('string(self.spec.replicas) + string(1.5) + string(true)'), '31.5true');
  assert.equal(run('int("42") + 1'), 43n);
});

test('lists, maps and macros', () => {
  assert.equal(run('self.spec.tags.all(t, t.size() == 1)'), true);
  assert.equal(run('self.spec.tags.exists(t, t == "b")'), true);
  assert.equal(run('self.spec.tags.exists_one(t, t > "a")'), false);
  assert.deepEqual((run('self.spec.tags.map(t, t + t)') as CelList).items, ['aa', 'bb', 'cc']);
  assert.deepEqual((run('self.spec.tags.filter(t, t != "b")') as CelList).items, ['a', 'c']);
  assert.equal(run('self.spec.labels.all(k, k == "app")'), true);
  assert.equal(run('size(self.spec.tags) == 3 && "c" in self.spec.tags'), true);
  assert.equal(run('self.spec.set == ["y", "x"]'), true, 'list-type set compares without order');
  assert.equal(run('self.spec.tags == ["c", "b", "a"]'), false);
  assert.equal(run('[1, 2, 3].sum() == 6 && [3, 1].min() == 1 && [1, 2].isSorted()'), true);
  assert.equal(run('{"a": 1}["a"] == 1'), true);
  assert.equal(run('sets.contains(["a", "b"], ["a"]) && !sets.intersects(["a"], ["b"])'), true);
  fails('self.spec.tags[5] == "x"', 'index out of bounds: 5');
});

test('durations, timestamps, int-or-string and quantities', () => {
  assert.equal(run('self.spec.timeout == duration("90s")'), true);
  assert.equal(run('self.spec.timeout < duration("2m")'), true);
  assert.equal(run('self.spec.start.getFullYear() == 2024 && self.spec.start.getHours() == 10'), true);
  assert.equal(run('self.spec.start + duration("1h") > timestamp("2024-05-01T10:30:00Z")'), true);
  assert.equal(run('string(self.spec.start)'), '2024-05-01T10:00:00Z');
  assert.equal(run('type(self.spec.port) == string'), true);
  assert.equal(run('quantity("1Gi").isGreaterThan(quantity("512Mi"))'), true);
  assert.equal(run('isQuantity("1.5") && !isQuantity("lots")'), true);
});

test('oldSelf is whatever the caller binds', () => {
  const old = toCelValue({ replicas: 2 }, schema.properties!.spec);
  const now = (self as CelMap).get('spec') as Val;
  const result = new Interpreter().eval(parseCel('self.replicas >= oldSelf.replicas'), new Map<string, Value>([['self', now], ['oldSelf', old]]));
  assert.equal(result, true);
});

test('syntax errors point at the offending input', () => {
  assert.throws(() => parseCel('self.a ==='), /Syntax error/);
  assert.throws(() => parseCel('self.a == "unterminated'), /unterminated string literal/);
  assert.throws(() => parseCel('while'), /reserved identifier/);
});
