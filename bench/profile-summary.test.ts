import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaOf, renderProfileSummary, sourceLocator, summarizeProfile, type CpuProfile } from './profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// (root) → handle → encode ; (root) → handle → handle (recursion) ; (root) → (idle)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('handle', 'file:///repo/src/server.ts', 9), children: [3, 4] },
    { id: 3, callFrame: frame('encode', 'file:///repo/src/respond.ts', 19) },
    { id: 4, callFrame: frame('handle', 'file:///repo/src/server.ts', 9) },
    { id: 5, callFrame: frame('(idle)') },
  ],
  samples: [3, 3, 4, 5, 2],
  timeDeltas: [100, 100, 50, 1000, 50],
};

const locate = sourceLocator('/repo');

test('self time is also grouped by the folder of the source', () => {
  const s = summarizeProfile(profile, locate);
  assert.deepEqual(s.areas, [{ area: 'src', selfUs: 300 }]);
});

test('areas name packages, node internals, the collector and native code', () => {
  assert.equal(areaOf('exec', { file: 'node_modules/better-sqlite3/lib/methods/wrappers.js', line: 8 }), 'node_modules/better-sqlite3');
  assert.equal(areaOf('writev', { file: 'node:internal/stream_base_commons', line: 1 }), 'node:internal/stream_base_commons');
  assert.equal(areaOf('(garbage collector)', undefined), '(garbage collector)');
  assert.equal(areaOf('writev', undefined), '(native)');
  assert.equal(areaOf('list', { file: 'src/storage/sqlite/sqlite-storage.ts', line: 9 }), 'src/storage/sqlite');
});

test('self time goes to the sampled frame, total time to every function on its stack once', () => {
  const s = summarizeProfile(profile, locate);
  assert.equal(s.totalUs, 1300);
  assert.equal(s.idleUs, 1000);
  const fn = (name: string) => s.functions.find((f) => f.name === name)!;
  assert.deepEqual(fn('encode src/respond.ts:20'), { name: 'encode src/respond.ts:20', selfUs: 200, totalUs: 200 });
  // handle is on the stack of 4 samples (300 us); the recursive sample counts once.
  assert.deepEqual(fn('handle src/server.ts:10'), { name: 'handle src/server.ts:10', selfUs: 100, totalUs: 300 });
});

test('the rendering ranks by share of busy time', () => {
  const text = renderProfileSummary(summarizeProfile(profile, locate), 5);
  const selfPart = text.split('total time')[0];
  assert.ok(selfPart.indexOf('encode') < selfPart.indexOf('handle'));
  assert.match(text, /66\.7%\s+encode/);
  assert.doesNotMatch(text, /idle\)/);
  assert.match(text, /100\.0%\s+handle/);
});
