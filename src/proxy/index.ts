// The service proxy (kube-proxy's iptables mode) for real nodes, its userspace fallback for
// nodes without iptables (rootless process runtime), and the LoadBalancer status controller
// whose addresses it routes: service-proxy.ts, iptables-rules.ts, userspace.ts, service-lb.ts.

export { ServiceProxy, startServiceProxy, type RunningServiceProxy, type ServiceProxyOptions } from './service-proxy.js';
export type { LocalService } from './iptables-rules.js';
export { chainPrefixFor } from './chains.js';
export { serviceLoadBalancerController, loadBalancerIngress } from './service-lb.js';
export { UserspaceProxy, loopbackTwin, type UserspaceProxyOptions } from './userspace.js';
