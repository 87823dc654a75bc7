import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { mergeValues } from './merge.js';
import { typeOf } from './type-model.js';
import { deploymentSchema } from './test-schemas.js';
import { rootType } from './type-model.js';

const listsSchema: StructuralSchema = {
  type: 'object',
  properties: {
    setStr: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    setBool: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'boolean' } },
    setNumeric: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'number' } },
    list: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['key', 'id'],
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          id: { type: 'number' },
          value: { type: 'object', additionalProperties: { type: 'string' } },
          bv: { type: 'boolean' },
          nv: { type: 'number' },
        },
      },
    },
    atomicList: { type: 'array', items: { type: 'string' } },
    inner: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
const lists = typeOf(listsSchema);

// Cases from structured-merge-diff's own merge tests: how associative lists keep the live
// order, take the configuration's order for shared items, and treat live duplicates.
const triplets: [string, string, string][] = [
  ['{"setStr":["a","b","c"]}', '{"setStr":["a","b"]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":["a","b"]}', '{"setStr":["a","b","c"]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":["a","b","c"]}', '{"setStr":[]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":[]}', '{"setStr":["a","b","c"]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":["a","b"]}', '{"setStr":["b","a"]}', '{"setStr":["b","a"]}'],
  ['{"setStr":["a","b","c"]}', '{"setStr":["d","e","f"]}', '{"setStr":["a","b","c","d","e","f"]}'],
  ['{"setStr":["a","b","c"]}', '{"setStr":["c","d","e","f"]}', '{"setStr":["a","b","c","d","e","f"]}'],
  ['{"setStr":["a","b","c","g","f"]}', '{"setStr":["c","d","e","f"]}', '{"setStr":["a","b","c","g","d","e","f"]}'],
  ['{"setStr":["c","d","e","f"]}', '{"setStr":["a","c","e"]}', '{"setStr":["a","c","d","e","f"]}'],
  ['{"setStr":["a","b","c","x","y","z"]}', '{"setStr":["d","e","f","x","y","z"]}', '{"setStr":["a","b","c","d","e","f","x","y","z"]}'],
  ['{"setStr":["c","a","g","f"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
  ['{"setStr":["a","b","c","d"]}', '{"setStr":["d","e","f","a"]}', '{"setStr":["b","c","d","e","f","a"]}'],
  [
    '{"setStr":["c","d","e","f","g","h","i","j"]}',
    '{"setStr":["2","h","3","e","4","k","l"]}',
    '{"setStr":["c","d","f","g","2","h","i","j","3","e","4","k","l"]}',
  ],
  [
    '{"setStr":["a","b","c","d","e","f","g","h","i","j"]}',
    '{"setStr":["1","b","2","h","3","e","4","k","l"]}',
    '{"setStr":["a","1","b","c","d","f","g","2","h","i","j","3","e","4","k","l"]}',
  ],
  ['{"setStr":["a","b","b"]}', '{"setStr":["c"]}', '{"setStr":["a","b","b","c"]}'],
  ['{"setStr":["a","b","b"]}', '{"setStr":["b"]}', '{"setStr":["a","b"]}'],
  ['{"setStr":["a","b","b"]}', '{"setStr":["a"]}', '{"setStr":["a","b","b"]}'],
  ['{"setStr":["a","b","c","d","e","c"]}', '{"setStr":["1","b","2","e","d"]}', '{"setStr":["a","1","b","c","2","e","c","d"]}'],
  ['{"setStr":["a","b","c","d","e","c"]}', '{"setStr":["1","b","2","c","e","d"]}', '{"setStr":["a","1","b","2","c","e","d"]}'],
  ['{"setStr":["a","a","b","b"]}', '{"setStr":["b","c","d"]}', '{"setStr":["a","a","b","c","d"]}'],
  ['{"setStr":["a","a","b","b"]}', '{"setStr":[]}', '{"setStr":["a","a","b","b"]}'],
  ['{"setBool":[true]}', '{"setBool":[false]}', '{"setBool":[true, false]}'],
  ['{"setNumeric":[1,2,3.14159]}', '{"setNumeric":[1,2,3]}', '{"setNumeric":[1,2,3.14159,3]}'],
  ['{"setStr":["c","a","g","f","c","a"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
  ['{"setBool":[true,false,true]}', '{"setBool":[true]}', '{"setBool":[true, false]}'],
  ['{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":2,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":1,"value":{"a":"a"}},{"key":"a","id":2,"value":{"a":"a"}}]}'],
  ['{"list":[{"key":"a","id":1},{"key":"b","id":1}]}', '{"list":[{"key":"a","id":1},{"key":"a","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":1},{"key":"a","id":2}]}'],
  ['{"list":[{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'],
  ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"c","id":3},{"key":"b","id":2}]}'],
  ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}', '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}'],
  ['{"atomicList":["a","a","a"]}', '{"atomicList":null}', '{"atomicList":null}'],
  ['{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'],
  [
    '{"list":[{"key":"a","id":1,"bv":true},{"key":"b","id":2},{"key":"a","id":1,"bv":false,"nv":2}]}',
    '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
    '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
  ],
  ['{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', '{"list":[]}', '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}'],
  ['{}', '{"inner":{}}', '{"inner":{}}'],
  ['{}', '{"inner":null}', '{"inner":null}'],
  ['{"inner":null}', '{"inner":{}}', '{"inner":{}}'],
  ['{"inner":{}}', '{"inner":null}', '{"inner":null}'],
];

describe('mergeValues', () => {
  for (const [live, config, expected] of triplets) {
    it(`${live} + ${config}`, () => {
      assert.deepEqual(mergeValues(JSON.parse(live), JSON.parse(config), lists), JSON.parse(expected));
    });
  }

  it('merges a deployment: containers by name, configuration values win, live-only fields stay', () => {
    const live = {
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: 'app', image: 'app:1', imagePullPolicy: 'Always' }, { name: 'sidecar', image: 'envoy' }] } },
      },
    };
    const config = { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } };
    assert.deepEqual(mergeValues(live, config, rootType(deploymentSchema)), {
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: 'app', image: 'app:2', imagePullPolicy: 'Always' }, { name: 'sidecar', image: 'envoy' }] } },
      },
    });
  });

  it('replaces atomic values whole: a label selector, a command', () => {
    const live = { spec: { selector: { matchLabels: { a: '1', b: '2' } }, template: { spec: { containers: [{ name: 'c', command: ['x', 'y'] }] } } } };
    const config = { spec: { selector: { matchLabels: { a: '1' } }, template: { spec: { containers: [{ name: 'c', command: ['z'] }] } } } };
    assert.deepEqual(mergeValues(live, config, rootType(deploymentSchema)), {
      spec: { selector: { matchLabels: { a: '1' } }, template: { spec: { containers: [{ name: 'c', command: ['z'] }] } } },
    });
  });

  it('rejects a configuration with duplicate list-map keys', () => {
    const config = { spec: { template: { spec: { containers: [{ name: 'c' }, { name: 'c' }] } } } };
    assert.throws(() => mergeValues({}, config, rootType(deploymentSchema)), /duplicate entries for key/);
  });
});
