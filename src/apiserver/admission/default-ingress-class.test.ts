import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { defaultIngressClassAdmission } from './default-ingress-class.js';
import { FakeLookup, request } from './fake-lookup.js';

const ic = (name: string, isDefault?: string) => ({
  group: 'networking.k8s.io',
  plural: 'ingressclasses',
  obj: {
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z', annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': isDefault } : undefined },
    spec: { controller: 'k8s.io/ingress-nginx' },
  } as KubeObject,
});

const ingress = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({
  metadata: { name: 'web', namespace: 'default', annotations },
  spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, ...spec },
});

test('an Ingress without a class gets the default IngressClass', async () => {
  const lookup = new FakeLookup([ic('other'), ic('nginx', 'true')]);
  const i = ingress();
  await defaultIngressClassAdmission.admit!(request('CREATE', 'ingresses', i, { group: 'networking.k8s.io' }), lookup);
  assert.equal((i.spec as any).ingressClassName, 'nginx');
});

test('a named class or the legacy annotation is kept; updates are untouched', async () => {
  const lookup = new FakeLookup([ic('nginx', 'true')]);
  const named = ingress({ ingressClassName: 'traefik' });
  await defaultIngressClassAdmission.admit!(request('CREATE', 'ingresses', named, { group: 'networking.k8s.io' }), lookup);
  assert.equal((named.spec as any).ingressClassName, 'traefik');
  const annotated = ingress({}, { 'kubernetes.io/ingress.class': 'traefik' });
  await defaultIngressClassAdmission.admit!(request('CREATE', 'ingresses', annotated, { group: 'networking.k8s.io' }), lookup);
  assert.equal((annotated.spec as any).ingressClassName, undefined);
  const updated = ingress();
  await defaultIngressClassAdmission.admit!(request('UPDATE', 'ingresses', updated, { group: 'networking.k8s.io', oldObject: updated }), lookup);
  assert.equal((updated.spec as any).ingressClassName, undefined);
});
