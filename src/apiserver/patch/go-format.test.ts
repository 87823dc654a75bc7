import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareGoStrings, formatGo, formatGoFloat, goQuote, goTypeOf, marshalGoJson, reflectTypeString } from './go-format.js';

describe('formatGo (%v and %s)', () => {
  it('prints maps with sorted keys, slices with spaces, nil as <nil>', () => {
    assert.equal(formatGo({ name: 'a', image: 'nginx', ports: [80, 443], extra: null }), 'map[extra:<nil> image:nginx name:a ports:[80 443]]');
    assert.equal(formatGo({}), 'map[]');
    assert.equal(formatGo([]), '[]');
    assert.equal(formatGo([[1, 'a'], [true]]), '[[1 a] [true]]');
  });

  it('sorts keys by byte order ($ and upper case before lower case)', () => {
    assert.equal(formatGo({ name: 1, $patch: 'delete', Zed: 2 }), 'map[$patch:delete Zed:2 name:1]');
  });

  it('marks non-strings under %s the way fmt does', () => {
    assert.equal(formatGo('merge', 's'), 'merge');
    assert.equal(formatGo(5, 's'), '%!s(int64=5)');
    assert.equal(formatGo(1.5, 's'), '%!s(float64=1.5)');
    assert.equal(formatGo(true, 's'), '%!s(bool=true)');
    assert.equal(formatGo(null, 's'), '%!s(<nil>)');
    assert.equal(formatGo({ a: 1 }, 's'), 'map[a:%!s(int64=1)]');
  });

  it('handles values nested far deeper than the call stack allows', () => {
    let deep: any = 'x';
    for (let i = 0; i < 20000; i++) deep = [deep];
    const text = formatGo(deep);
    assert.equal(text.length, 40001);
    assert.ok(text.startsWith('[[[') && text.endsWith(']]]'));
  });
});

describe('formatGoFloat (%v of a float64)', () => {
  const cases: Array<[number, string]> = [
    [1.5, '1.5'],
    [0.1, '0.1'],
    [123456.5, '123456.5'],
    [1234567.5, '1.2345675e+06'],
    [1e21, '1e+21'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [-2.5, '-2.5'],
    [1e100, '1e+100'],
  ];
  for (const [value, text] of cases) {
    it(`${value} prints as ${text}`, () => assert.equal(formatGoFloat(value), text));
  }
});

describe('Go types of decoded JSON', () => {
  it('classifies integers as int64 and other numbers as float64', () => {
    assert.equal(goTypeOf(3), 'int64');
    assert.equal(goTypeOf(3.5), 'float64');
    assert.equal(goTypeOf(1e20), 'float64');
    assert.equal(goTypeOf(null), 'nil');
  });

  it('names reflect types as ErrBadArgType prints them', () => {
    assert.equal(reflectTypeString('x'), 'string');
    assert.equal(reflectTypeString([]), '[]interface {}');
    assert.equal(reflectTypeString({}), 'map[string]interface {}');
    assert.equal(reflectTypeString(null), '%!s(<nil>)');
    assert.equal(reflectTypeString(2), 'int64');
  });
});

describe('goQuote (strconv.Quote)', () => {
  it('escapes quotes, backslashes and control characters, keeps printable Unicode', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\n\t\x01\x7f'), '"\\n\\t\\x01\\x7f"');
    assert.equal(goQuote('héllo 世界'), '"héllo 世界"');
    assert.equal(goQuote('\u00a0'), '"\\u00a0"');
  });
});

describe('marshalGoJson (encoding/json.Marshal)', () => {
  it('sorts keys, escapes HTML characters and keeps integers exact', () => {
    assert.equal(marshalGoJson({ b: '<a&b>', a: [1, 2.5, null, true] }), '{"a":[1,2.5,null,true],"b":"\\u003ca\\u0026b\\u003e"}');
    assert.equal(marshalGoJson('\u2028'), '"\\u2028"');
  });
});

describe('compareGoStrings', () => {
  it('orders by code point, so astral characters sort after U+FFFF', () => {
    assert.ok(compareGoStrings('\u{1F600}', '\uFFFD') > 0);
    assert.ok(compareGoStrings('a', 'b') < 0);
    assert.ok(compareGoStrings('ab', 'a') > 0);
    assert.equal(compareGoStrings('same', 'same'), 0);
  });
});
