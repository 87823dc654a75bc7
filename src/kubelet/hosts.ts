// The pod's /etc/hosts (the kubelet writes one per pod and mounts it into each container) and
// the DNS configuration its sandbox gets (pkg/kubelet/network/dns): ClusterFirst points at the
// cluster DNS with `<ns>.svc.<domain> svc.<domain> <domain>` searches and ndots:5.

import { readFileSync } from 'node:fs';
import type { DnsConfig } from './runtime/interface.js';
import type { HostAlias, Pod } from './types.js';

export const managedHostsHeader = '# Kubernetes-managed hosts file.\n';
export const managedHostsHeaderWithHostNetwork = '# Kubernetes-managed hosts file (host network).\n';

function aliasesSection(aliases: HostAlias[] | undefined): string {
  if (!aliases?.length) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/** The hosts file of a pod in its own network. */
export function managedHostsFileContent(podIPs: string[], hostname: string, domain: string, aliases: HostAlias[] | undefined): string {
  let out = managedHostsHeader;
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + aliasesSection(aliases);
}

/** The hosts file of a pod in the node's network: the node's own, plus host aliases. */
export function hostNetworkHostsFileContent(nodeHosts: string, aliases: HostAlias[] | undefined): string {
  return managedHostsHeaderWithHostNetwork + nodeHosts + aliasesSection(aliases);
}

/** The pod's hostname (spec.hostname or its name, at most 63 characters) and domain (from spec.subdomain). */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  let hostname = pod.spec.hostname || pod.metadata.name || '';
  if (hostname.length > 63) hostname = hostname.slice(0, 63).replace(/[-.]+$/, '');
  const domain = pod.spec.subdomain ? `${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

export interface ResolvConf {
  servers: string[];
  searches: string[];
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const r: ResolvConf = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) r.servers.push(fields[0]);
    else if (key === 'search' || key === 'domain') r.searches = [...fields];
    else if (key === 'options') r.options.push(...fields);
  }
  return r;
}

export function readHostResolvConf(path = '/etc/resolv.conf'): ResolvConf {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return { servers: [], searches: [], options: [] };
  }
}

export type DNSPolicyKind = 'cluster' | 'host' | 'none';

/** Which DNS a pod gets, and whether ClusterFirst had to fall back because no cluster DNS is configured. */
export function podDNSType(pod: Pod, clusterDNS: string[]): { type: DNSPolicyKind; fallback: boolean } {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  let type: DNSPolicyKind;
  switch (policy) {
    case 'None':
      return { type: 'none', fallback: false };
    case 'ClusterFirstWithHostNet':
      type = 'cluster';
      break;
    case 'ClusterFirst':
      type = pod.spec.hostNetwork ? 'host' : 'cluster';
      break;
    default:
      type = 'host';
  }
  if (type === 'cluster' && clusterDNS.length === 0) return { type: 'host', fallback: true };
  return { type, fallback: false };
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

function mergeOptions(base: string[], extra: { name: string; value?: string }[] | undefined): string[] {
  const byName = new Map<string, string>();
  for (const o of base) {
    const i = o.indexOf(':');
    byName.set(i < 0 ? o : o.slice(0, i), o);
  }
  for (const o of extra ?? []) byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

/** The sandbox DNS config: cluster DNS, the node's resolv.conf, or only the pod's dnsConfig. */
export function podDNSConfig(pod: Pod, o: { clusterDNS: string[]; clusterDomain: string; host: ResolvConf }): DnsConfig {
  const { type } = podDNSType(pod, o.clusterDNS);
  let cfg: DnsConfig;
  if (type === 'cluster') {
    const ns = pod.metadata.namespace ?? 'default';
    cfg = {
      servers: [...o.clusterDNS],
      searches: [`${ns}.svc.${o.clusterDomain}`, `svc.${o.clusterDomain}`, o.clusterDomain, ...o.host.searches],
      options: ['ndots:5'],
    };
  } else if (type === 'host') {
    cfg = { servers: [...o.host.servers], searches: [...o.host.searches], options: [...o.host.options] };
  } else cfg = { servers: [], searches: [], options: [] };
  const extra = pod.spec.dnsConfig;
  if (extra) {
    cfg.servers = dedupe([...cfg.servers, ...(extra.nameservers ?? [])]);
    cfg.searches = dedupe([...cfg.searches, ...(extra.searches ?? [])]);
    cfg.options = mergeOptions(cfg.options, extra.options);
  }
  cfg.servers = cfg.servers.slice(0, 3);
  cfg.searches = dedupe(cfg.searches).slice(0, 32);
  return cfg;
}
