import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRuntime } from './fake-runtime.js';
import { runRuntimeSuite } from '../runtime.case.js';
import { parseScript } from './shell.js';

runRuntimeSuite('fake', async () => new FakeRuntime({ pull: (image) => (image.includes('missing') ? new Error(`failed to pull and unpack image "${image}": not found`) : undefined) }), {
  image: 'busybox',
  missingImage: 'kubelite.invalid/missing:v1',
  podIPReachable: false,
});

// The missing image fails in a runtime that refuses it.
describe('FakeRuntime specifics', () => {
  it('fails pulls the pull hook refuses, with containerd-like errors', async () => {
    const rt = new FakeRuntime({ pull: (image) => (image.includes('missing') ? new Error(`failed to pull and unpack image "${image}": not found`) : undefined) });
    await assert.rejects(rt.pullImage('kubelite.invalid/missing:v1'), /not found/);
    assert.ok(await rt.pullImage('busybox'));
    assert.equal(rt.pulls.length, 2);
  });

  it('parses the shell subset', () => {
    for (const src of ['echo a; echo b', 'while true; do sleep 1; done', "trap 'exit 0' TERM", 'if [ -f /x ]; then echo y; else echo n; fi', 'for i in 1 2 3; do echo $i; done', 'a=$((1+2)); echo $a >&2', 'echo $(hostname) 2>&1 | cat']) {
      assert.doesNotThrow(() => parseScript(src), src);
    }
    assert.throws(() => parseScript('if true; then echo'));
  });
});
