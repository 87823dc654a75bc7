import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../machinery/errors.js';
import { FakeLookup, request } from './fake-lookup.js';
import { mergeTolerations, runtimeClass } from './runtime-class.js';

const rc = (name: string, extra: Record<string, unknown> = {}) => ({
  group: 'node.k8s.io',
  plural: 'runtimeclasses',
  obj: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler: 'runsc', ...extra } as KubeObject,
});

const pod = (spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'x' }], ...spec } });

async function run(lookup: FakeLookup, p: KubeObject): Promise<void> {
  const attrs = request('CREATE', 'pods', p);
  await runtimeClass.admit!(attrs, lookup);
  await runtimeClass.validate!(attrs, lookup);
}

async function refusal(lookup: FakeLookup, p: KubeObject): Promise<string> {
  try {
    await run(lookup, p);
  } catch (e) {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 403);
    return e.message;
  }
  assert.fail('expected a refusal');
}

test('overhead and scheduling come from the RuntimeClass', async () => {
  const lookup = new FakeLookup([
    rc('gvisor', {
      overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
      scheduling: { nodeSelector: { sandbox: 'gvisor' }, tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }] },
    }),
  ]);
  const p = pod({ runtimeClassName: 'gvisor', nodeSelector: { disk: 'ssd' }, tolerations: [{ key: 'a', operator: 'Equal', value: 'b', effect: 'NoSchedule' }] });
  await run(lookup, p);
  const spec = p.spec as any;
  assert.deepEqual(spec.overhead, { cpu: '250m', memory: '120Mi' });
  assert.deepEqual(spec.nodeSelector, { disk: 'ssd', sandbox: 'gvisor' });
  assert.deepEqual(spec.tolerations, [
    { key: 'a', operator: 'Equal', value: 'b', effect: 'NoSchedule' },
    { key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' },
  ]);
});

test('refusals: unknown class, conflicting selector, foreign overhead', async () => {
  const lookup = new FakeLookup([rc('gvisor', { overhead: { podFixed: { cpu: '250m' } }, scheduling: { nodeSelector: { sandbox: 'gvisor' } } }), rc('plain')]);
  assert.equal(await refusal(lookup, pod({ runtimeClassName: 'nope' })), 'pods "web" is forbidden: pod rejected: RuntimeClass "nope" not found');
  assert.equal(
    await refusal(lookup, pod({ runtimeClassName: 'gvisor', nodeSelector: { sandbox: 'kata' } })),
    'pods "web" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[sandbox] = gvisor; pod.spec.nodeSelector[sandbox] = kata',
  );
  assert.equal(await refusal(lookup, pod({ runtimeClassName: 'gvisor', overhead: { cpu: '1' } })), "pods \"web\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  assert.equal(await refusal(lookup, pod({ runtimeClassName: 'plain', overhead: { cpu: '1' } })), 'pods "web" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
  assert.equal(await refusal(lookup, pod({ overhead: { cpu: '1' } })), 'pods "web" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
  // The same overhead, written differently, is accepted.
  await run(lookup, pod({ runtimeClassName: 'gvisor', overhead: { cpu: '0.25' } }));
});

test('mergeTolerations drops tolerations another one covers', () => {
  const all = { operator: 'Exists' };
  const narrow = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' };
  assert.deepEqual(mergeTolerations([narrow], [all]), [all]);
  const short = { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
  const long = { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 100 };
  assert.deepEqual(mergeTolerations([short], [long]), [long]);
  assert.deepEqual(mergeTolerations([narrow], [narrow]), [narrow]);
});
