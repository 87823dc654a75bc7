import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { setDefaultsPod } from '../../api/defaults/pod.js';
import { validatePodCreate } from '../../api/validation/pod.js';
import { StatusError } from '../../machinery/errors.js';
import { FakeLookup, request } from './fake-lookup.js';
import { serviceAccountAdmission } from './service-account.js';

const plugin = serviceAccountAdmission({ retryDelayMs: () => 1, nameSuffix: () => 'x7k2p' });

function sa(name: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>): { plural: string; obj: KubeObject } {
  return { plural: 'serviceaccounts', obj: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default', annotations }, ...extra } };
}

function pod(spec: Record<string, unknown>, name = 'web'): KubeObject {
  const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
  setDefaultsPod(p);
  return p;
}

async function run(lookup: FakeLookup, attrs: ReturnType<typeof request>): Promise<void> {
  await plugin.admit!(attrs, lookup);
  await plugin.validate!(attrs, lookup);
}

async function refusal(lookup: FakeLookup, attrs: ReturnType<typeof request>): Promise<StatusError> {
  try {
    await run(lookup, attrs);
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e;
  }
  assert.fail('expected a refusal');
}

test('a pod gets the default account and the kube-api-access volume in every container', async () => {
  const p = pod({ containers: [{ name: 'app', image: 'nginx' }], initContainers: [{ name: 'init', image: 'busybox' }] });
  await run(new FakeLookup([sa('default')]), request('CREATE', 'pods', p));
  const spec = p.spec as any;
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  const mount = { name: 'kube-api-access-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  assert.deepEqual(spec.containers[0].volumeMounts, [mount]);
  assert.deepEqual(spec.initContainers[0].volumeMounts, [mount]);
  assert.deepEqual(spec.volumes, [
    {
      name: 'kube-api-access-x7k2p',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ]);
  // What the plugin adds is already in the form defaulting would give it, and valid.
  const again = structuredClone(p);
  setDefaultsPod(again);
  assert.deepEqual(again, p);
  assert.deepEqual(validatePodCreate(p), []);
});

test('the real suffix is five characters from the name alphabet', async () => {
  const p = pod({ containers: [{ name: 'app', image: 'nginx' }] });
  const real = serviceAccountAdmission();
  const lookup = new FakeLookup([sa('default')]);
  await real.admit!(request('CREATE', 'pods', p), lookup);
  assert.match((p.spec as any).volumes[0].name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('automountServiceAccountToken: the pod wins over the account', async () => {
  const off = pod({ containers: [{ name: 'app', image: 'nginx' }], automountServiceAccountToken: false });
  await run(new FakeLookup([sa('default')]), request('CREATE', 'pods', off));
  assert.equal((off.spec as any).volumes, undefined);
  assert.equal((off.spec as any).containers[0].volumeMounts, undefined);

  const saOff = new FakeLookup([sa('default', { automountServiceAccountToken: false })]);
  const byAccount = pod({ containers: [{ name: 'app', image: 'nginx' }] });
  await run(saOff, request('CREATE', 'pods', byAccount));
  assert.equal((byAccount.spec as any).volumes, undefined);

  const podOn = pod({ containers: [{ name: 'app', image: 'nginx' }], automountServiceAccountToken: true });
  await run(saOff, request('CREATE', 'pods', podOn));
  assert.equal((podOn.spec as any).volumes.length, 1);
});

test('an existing mount at the token path is respected', async () => {
  const p = pod({
    containers: [
      { name: 'own', image: 'x', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] },
      { name: 'other', image: 'x' },
    ],
    volumes: [{ name: 'mine', emptyDir: {} }],
  });
  await run(new FakeLookup([sa('default')]), request('CREATE', 'pods', p));
  const spec = p.spec as any;
  assert.deepEqual(spec.containers[0].volumeMounts, [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  assert.equal(spec.containers[1].volumeMounts[0].name, 'kube-api-access-x7k2p');
  assert.deepEqual(spec.volumes.map((v: any) => v.name), ['mine', 'kube-api-access-x7k2p']);
});

test('a missing account refuses the pod with the upstream message', async () => {
  const e = await refusal(new FakeLookup([sa('default')]), request('CREATE', 'pods', pod({ serviceAccountName: 'builder', containers: [{ name: 'a', image: 'x' }] })));
  assert.equal(e.code, 403);
  assert.equal(e.message, 'pods "web" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found');
});

test('a generated name shows its prefix when the mutating phase refuses', async () => {
  const p = pod({ containers: [{ name: 'a', image: 'x' }] }, 'web-7d4b9-abcde');
  p.metadata.generateName = 'web-7d4b9-';
  const e = await refusal(new FakeLookup(), request('CREATE', 'pods', p, { generatedName: true }));
  assert.equal(e.message, 'pods "web-7d4b9-" is forbidden: error looking up service account default/default: serviceaccount "default" not found');
});

test('the default account is looked up again while the controller creates it', async () => {
  const lookup = new FakeLookup();
  const slow = serviceAccountAdmission({ retryDelayMs: () => 5, nameSuffix: () => 'abcde' });
  setTimeout(() => lookup.put('', 'serviceaccounts', sa('default').obj), 12);
  const p = pod({ containers: [{ name: 'a', image: 'x' }] });
  await slow.admit!(request('CREATE', 'pods', p), lookup);
  assert.equal((p.spec as any).serviceAccountName, 'default');
});

test('the deprecated serviceAccount field names the account', async () => {
  const p = pod({ serviceAccount: 'builder', containers: [{ name: 'a', image: 'x' }] });
  await run(new FakeLookup([sa('builder')]), request('CREATE', 'pods', p));
  assert.equal((p.spec as any).serviceAccountName, 'builder');
  assert.equal((p.spec as any).serviceAccount, 'builder');
});

test("the account's imagePullSecrets are copied when the pod has none", async () => {
  const lookup = new FakeLookup([sa('default', { imagePullSecrets: [{ name: 'regcred' }] })]);
  const p = pod({ containers: [{ name: 'a', image: 'x' }] });
  await run(lookup, request('CREATE', 'pods', p));
  assert.deepEqual((p.spec as any).imagePullSecrets, [{ name: 'regcred' }]);
  const own = pod({ containers: [{ name: 'a', image: 'x' }], imagePullSecrets: [{ name: 'mine' }] });
  await run(lookup, request('CREATE', 'pods', own));
  assert.deepEqual((own.spec as any).imagePullSecrets, [{ name: 'mine' }]);
});

test('enforce-mountable-secrets limits the secrets a pod may use', async () => {
  const lookup = new FakeLookup([sa('default', { secrets: [{ name: 'allowed' }] }, { 'kubernetes.io/enforce-mountable-secrets': 'true' })]);
  await run(lookup, request('CREATE', 'pods', pod({ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'v', secret: { secretName: 'allowed' } }] })));
  let e = await refusal(lookup, request('CREATE', 'pods', pod({ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'v', secret: { secretName: 'other' } }] })));
  assert.equal(e.message, 'pods "web" is forbidden: volume with secret.secretName="other" is not allowed because service account default does not reference that secret');
  e = await refusal(lookup, request('CREATE', 'pods', pod({ containers: [{ name: 'a', image: 'x', envFrom: [{ secretRef: { name: 'other' } }] }] })));
  assert.equal(e.message, 'pods "web" is forbidden: container a with envFrom referencing secret.secretName="other" is not allowed because service account default does not reference that secret');
});

test('mirror pods are not changed and may not use accounts or secrets', async () => {
  const mirror = pod({ containers: [{ name: 'a', image: 'x' }] });
  mirror.metadata.annotations = { 'kubernetes.io/config.mirror': 'hash' };
  await run(new FakeLookup(), request('CREATE', 'pods', mirror));
  assert.equal((mirror.spec as any).serviceAccountName, undefined);
  const withSA = pod({ serviceAccountName: 'default', containers: [{ name: 'a', image: 'x' }] });
  withSA.metadata.annotations = { 'kubernetes.io/config.mirror': 'hash' };
  const e = await refusal(new FakeLookup([sa('default')]), request('CREATE', 'pods', withSA));
  assert.equal(e.message, 'pods "web" is forbidden: a mirror pod may not reference service accounts');
});

test('updates and other resources are left alone', async () => {
  const p = pod({ containers: [{ name: 'a', image: 'x' }] });
  await run(new FakeLookup(), request('UPDATE', 'pods', p, { oldObject: p }));
  assert.equal((p.spec as any).serviceAccountName, undefined);
  await run(new FakeLookup(), request('CREATE', 'configmaps', { metadata: { name: 'c', namespace: 'default' } }));
});
