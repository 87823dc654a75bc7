import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareGoStrings, goFloat, goJSON, goQuote, rfc3339 } from './go-format.js';

describe('Go formatting', () => {
  it('orders strings by UTF-8 bytes: characters past U+FFFF after U+E000-U+FFFF', () => {
    assert.equal(compareGoStrings('a', 'b'), -1);
    assert.equal(compareGoStrings('ab', 'a'), 1);
    assert.equal(compareGoStrings('\u{1F600}', '\uFF01'), 1);
    assert.equal(['\uFF01', '\u{1F600}', 'z'].sort(compareGoStrings).join(''), 'z\uFF01\u{1F600}');
  });

  it('quotes like %q', () => {
    assert.equal(goQuote('nginx'), '"nginx"');
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
    assert.equal(goQuote('\u0001'), '"\\x01"');
    assert.equal(goQuote('héllo'), '"héllo"');
    assert.equal(goQuote('\u00a0'), '"\\u00a0"');
  });

  it('writes JSON as encoding/json does: sorted keys, HTML-safe', () => {
    assert.equal(goJSON({ b: 1, a: ['<x>', true, null], c: { z: 1.5, y: 'a&b' } }), '{"a":["\\u003cx\\u003e",true,null],"b":1,"c":{"y":"a\\u0026b","z":1.5}}');
  });

  it('prints numbers in paths as %v does', () => {
    assert.equal(goFloat(80), '80');
    assert.equal(goFloat(1.5), '1.5');
    assert.equal(goFloat(1234567.5), '1.2345675e+06');
    assert.equal(goFloat(0.00001), '1e-05');
  });

  it('formats times with second precision in UTC', () => {
    assert.equal(rfc3339(new Date('2024-05-01T10:00:00.999+02:00')), '2024-05-01T08:00:00Z');
  });
});
