// LoadBalancer services without a cloud, as k3s's servicelb does it: status.loadBalancer.ingress
// lists the addresses of the cluster's Ready nodes (ExternalIP, else InternalIP), and each
// node's service proxy routes `<that address>:<port>` to the service (the "loadbalancer IP"
// rules), so `kubectl get svc` shows an EXTERNAL-IP that answers. k3s runs a svclb pod per
// node to hold the port; here the proxy's DNAT rule does. Services that name a
// loadBalancerClass belong to another implementation and are left alone.
//
//   serviceLoadBalancerController(ctx)   // one per cluster, in the controller manager

import type { KubeObject } from '../api/object.js';
import { R } from '../client/resources.js';
import { controllerFor, type Controller, type ControllerContext, type Reconciler } from '../controllers/controller.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function nodeReady(node: KubeObject): boolean {
  const status = isObject(node.status) ? node.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function nodeAddress(node: KubeObject): string | undefined {
  const status = isObject(node.status) ? node.status : {};
  const addresses = Array.isArray(status.addresses) ? status.addresses.filter(isObject) : [];
  const of = (type: string) => addresses.find((a) => a.type === type && typeof a.address === 'string')?.address as string | undefined;
  return of('ExternalIP') ?? of('InternalIP');
}

/** The ingress a LoadBalancer service gets: one entry per Ready node address, sorted. */
export function loadBalancerIngress(nodes: KubeObject[]): { ip: string; ipMode: 'VIP' }[] {
  const ips = new Set<string>();
  for (const n of nodes) {
    // Simulated nodes run no proxy: their addresses would not answer.
    if (!nodeReady(n) || n.metadata.deletionTimestamp || n.metadata.labels?.['kubelite.io/simulated'] === 'true') continue;
    const ip = nodeAddress(n);
    if (ip) ips.add(ip);
  }
  return [...ips].sort().map((ip) => ({ ip, ipMode: 'VIP' as const }));
}

/** Whether this controller manages the service's load balancer. */
export function managedLoadBalancer(svc: KubeObject): boolean {
  const spec = isObject(svc.spec) ? svc.spec : {};
  return spec.type === 'LoadBalancer' && (spec.loadBalancerClass === undefined || spec.loadBalancerClass === null);
}

export class ServiceLoadBalancerReconciler implements Reconciler {
  constructor(private readonly ctx: ControllerContext) {}

  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.ctx.informers.informerFor(R.services).get(namespace, name);
    if (!svc || svc.metadata.deletionTimestamp) return;
    const status = isObject(svc.status) ? svc.status : {};
    const current = isObject(status.loadBalancer) && Array.isArray(status.loadBalancer.ingress) ? status.loadBalancer.ingress : [];
    let wanted: unknown[];
    if (managedLoadBalancer(svc)) wanted = loadBalancerIngress(this.ctx.informers.informerFor(R.nodes).list());
    else if (current.length > 0 && !(isObject(svc.spec) && svc.spec.type === 'LoadBalancer')) wanted = []; // no longer a LoadBalancer
    else return;
    if (JSON.stringify(current) === JSON.stringify(wanted)) return;
    await this.ctx.client.patch(R.services, namespace, name, 'merge', { status: { loadBalancer: { ingress: wanted.length ? wanted : null } } }, { subresource: 'status' });
  }
}

export function serviceLoadBalancerController(ctx: ControllerContext): Controller {
  const informers = ctx.informers;
  return controllerFor(ctx, R.services)
    .named('service-lb-controller')
    .watches(R.nodes, () => informers.informerFor(R.services).list().filter(managedLoadBalancer).map((s) => `${s.metadata.namespace}/${s.metadata.name}`))
    .complete(new ServiceLoadBalancerReconciler(ctx));
}
