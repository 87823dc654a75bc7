// What a fresh cluster has before anyone asks: the system namespaces, the `kubernetes`
// Service on the first service IP with its Endpoints pointing at this API server, and the
// system priority classes. Idempotent: run at every start.

import type { KubeObject } from '../api/object.js';
import { isStatusError } from '../machinery/errors.js';
import { systemUser } from './auth/system-user.js';
import type { Registry } from './registry/registry.js';

export { systemUser };

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensure(registry: Registry, group: string, plural: string, obj: KubeObject): Promise<void> {
  const store = registry.store(group, plural);
  const ns = obj.metadata.namespace ?? '';
  if (await store.tryGet(ns, obj.metadata.name!)) return;
  try {
    await store.create(ns, store.in(obj, store.storageVersion), {
      user: systemUser,
      dryRun: false,
      fieldManager: 'kube-apiserver',
      apiVersion: obj.apiVersion ?? 'v1',
      warnings: [],
    });
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) throw e;
  }
}

export interface BootstrapOptions {
  /** The address clients inside the cluster reach this API server on; without one, no Endpoints. */
  advertiseAddress: string | undefined;
  port: number;
}

export async function bootstrapCluster(registry: Registry, opts: BootstrapOptions): Promise<void> {
  for (const name of systemNamespaces) {
    await ensure(registry, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const serviceIPs = registry.hookDeps.serviceIPs;
  await ensure(registry, '', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: serviceIPs?.firstAddress(),
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.port }],
      sessionAffinity: 'None',
    },
  });
  // The cluster DNS Service, named and labelled as k3s's CoreDNS one. Its server runs in each
  // node's kubelite process, reached through the service proxy, so it has no endpoints of its own.
  await ensure(registry, '', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: serviceIPs?.dnsAddress(),
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
      selector: { 'k8s-app': 'kube-dns' },
      sessionAffinity: 'None',
    },
  });
  if (opts.advertiseAddress) await ensure(registry, '', 'endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: opts.advertiseAddress }], ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }] }],
  });
  if (opts.advertiseAddress) {
    await ensure(registry, 'discovery.k8s.io', 'endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [opts.advertiseAddress], conditions: { ready: true } }],
      ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }],
    });
  }
  for (const [name, value, description] of [
    ['system-node-critical', 2000001000, 'Used for system critical pods that must not be moved from their current node.'],
    ['system-cluster-critical', 2000000000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'],
  ] as const) {
    await ensure(registry, 'scheduling.k8s.io', 'priorityclasses', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      description,
      preemptionPolicy: 'PreemptLowerPriority',
    });
  }
}
