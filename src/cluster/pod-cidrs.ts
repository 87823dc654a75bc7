// Pod ranges of real nodes: each node takes the first /24 of the cluster CIDR that no Node's
// spec.podCIDR holds yet, as kube-controller-manager's node IPAM (--allocate-node-cidrs) hands
// them out. `kubelite up` records the cluster CIDR in the kube-system/kubelite-config ConfigMap so
// that agents joining later pick from the same range.

import type { KubeObject } from '../api/object.js';
import type { Client } from '../client/interface.js';
import { R } from '../client/resources.js';
import { nodePodCIDR, parseCidr } from '../kubelet/runtime/simulated/ipam.js';

/** The default cluster CIDR, as k3s's. */
export const defaultClusterCIDR = '10.42.0.0/16';
export const clusterConfigName = 'kubelite-config';

/** The first /24 (or the whole range, when smaller) of clusterCIDR not in `taken`. */
export function freeNodePodCIDR(clusterCIDR: string, taken: Iterable<string>): string {
  const range = parseCidr(clusterCIDR);
  const mask = Math.max(24, range.bits);
  const used = new Set(taken);
  for (let i = 0; i < 2 ** (mask - range.bits); i++) {
    const cidr = nodePodCIDR(i, clusterCIDR, mask);
    if (!used.has(cidr)) return cidr;
  }
  throw new Error(`the cluster CIDR ${clusterCIDR} has no free /${mask} left for another node`);
}

/** Records the cluster's ranges for agents (create or update). */
export async function publishClusterConfig(client: Client, config: { clusterCIDR: string; serviceCIDR: string }): Promise<void> {
  const data = { clusterCIDR: config.clusterCIDR, serviceCIDR: config.serviceCIDR };
  const existing = await client.get(R.configmaps, 'kube-system', clusterConfigName);
  if (existing) await client.update(R.configmaps, 'kube-system', { ...existing, data });
  else await client.create(R.configmaps, 'kube-system', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: clusterConfigName, namespace: 'kube-system' }, data } as KubeObject);
}

/** The cluster's pod range, as `kubelite up` published it (k3s's default when it did not). */
export async function publishedClusterCIDR(client: Client): Promise<string> {
  const config = await client.get(R.configmaps, 'kube-system', clusterConfigName);
  return (config?.data as { clusterCIDR?: string } | undefined)?.clusterCIDR ?? defaultClusterCIDR;
}

/** The pod CIDR for node `nodeName`: the one it had, else the first free one. */
export async function podCIDRForNode(client: Client, nodeName: string, clusterCIDR?: string): Promise<string> {
  const nodes = (await client.list(R.nodes, '')).items;
  const own = nodes.find((n) => n.metadata.name === nodeName);
  const had = (own?.spec as { podCIDR?: string } | undefined)?.podCIDR;
  if (had) return had;
  const cidr = clusterCIDR ?? (await publishedClusterCIDR(client));
  return freeNodePodCIDR(cidr, nodes.map((n) => (n.spec as { podCIDR?: string } | undefined)?.podCIDR ?? '').filter(Boolean));
}
