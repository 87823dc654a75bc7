// The records of cluster DNS, as the Kubernetes DNS specification defines them
// (kubernetes/dns docs/specification.md, which CoreDNS's kubernetes plugin implements):
//
//   svc.ns.svc.ZONE                A     the ClusterIP; for a headless Service every ready endpoint
//   host.svc.ns.svc.ZONE           A     one endpoint of a headless Service by its hostname
//                                        (StatefulSet pods: web-0.nginx.default.svc.cluster.local)
//   _port._proto.svc.ns.svc.ZONE   SRV   a named port: the Service name (ClusterIP) or each endpoint
//   svc.ns.svc.ZONE                CNAME an ExternalName Service's externalName
//   a-b-c-d.ns.pod.ZONE            A     a.b.c.d (CoreDNS's `pods insecure`)
//   d.c.b.a.in-addr.arpa           PTR   the Service or endpoint name for a ClusterIP or endpoint IP
//   dns-version.ZONE               TXT   the specification's version
//
// The answer for a name is computed from the current Services and EndpointSlices; nothing here
// does I/O, so it is tested as plain data.

import type { KubeObject } from '../api/object.js';

export type RecordType = 'A' | 'AAAA' | 'SRV' | 'PTR' | 'CNAME' | 'TXT' | 'SOA' | 'NS' | 'ANY';

export type Answer =
  | { type: 'A'; name: string; ttl: number; data: string }
  | { type: 'AAAA'; name: string; ttl: number; data: string }
  | { type: 'CNAME'; name: string; ttl: number; data: string }
  | { type: 'PTR'; name: string; ttl: number; data: string }
  | { type: 'TXT'; name: string; ttl: number; data: string }
  | { type: 'SRV'; name: string; ttl: number; data: { priority: number; weight: number; port: number; target: string } };

export type Lookup =
  /** Names of the cluster that exist: the answers for the type asked (empty: NODATA). */
  | { kind: 'answer'; answers: Answer[]; additionals: Answer[] }
  /** A name in the cluster's zones that does not exist. */
  | { kind: 'nxdomain' }
  /** Not a name of the cluster: the host's resolvers answer it. */
  | { kind: 'external' };

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  ports?: ServicePort[];
  publishNotReadyAddresses?: boolean;
}

interface SliceEndpoint {
  addresses: string[];
  hostname?: string;
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  targetRef?: { kind?: string; name?: string };
}

interface Slice {
  addressType?: string;
  endpoints?: SliceEndpoint[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

/** The TTL CoreDNS's kubernetes plugin gives (ttl 5 in k3s's Corefile; 30 by default). */
export const defaultTTL = 5;
export const specVersion = '1.1.0';

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function lower(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** An endpoint's DNS label: its hostname, or its address with dashes (CoreDNS's endpoint_pod_names off). */
function endpointLabel(ep: SliceEndpoint, address: string): string {
  return ep.hostname || address.replace(/[.:]/g, '-');
}

interface EndpointAddress {
  address: string;
  label: string;
  ports: { name: string; port: number; protocol: string }[];
}

export class ClusterRecords {
  private services = new Map<string, KubeObject>();
  /** Slices by `ns/service`, then slice name. */
  private slices = new Map<string, Map<string, KubeObject>>();
  /** Reverse index, rebuilt lazily: IP → PTR target. */
  private reverse: Map<string, string> | undefined;

  constructor(
    readonly zone = 'cluster.local',
    readonly ttl = defaultTTL,
  ) {
    this.zone = lower(zone);
  }

  setService(svc: KubeObject): void {
    this.services.set(`${svc.metadata.namespace}/${svc.metadata.name}`, svc);
    this.reverse = undefined;
  }

  deleteService(svc: KubeObject): void {
    this.services.delete(`${svc.metadata.namespace}/${svc.metadata.name}`);
    this.reverse = undefined;
  }

  setSlice(slice: KubeObject): void {
    const owner = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!owner) return;
    const key = `${slice.metadata.namespace}/${owner}`;
    let m = this.slices.get(key);
    if (!m) this.slices.set(key, (m = new Map()));
    m.set(slice.metadata.name ?? '', slice);
    this.reverse = undefined;
  }

  deleteSlice(slice: KubeObject): void {
    const owner = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!owner) return;
    const key = `${slice.metadata.namespace}/${owner}`;
    const m = this.slices.get(key);
    m?.delete(slice.metadata.name ?? '');
    if (m && m.size === 0) this.slices.delete(key);
    this.reverse = undefined;
  }

  private specOf(svc: KubeObject): ServiceSpec {
    return (svc.spec ?? {}) as ServiceSpec;
  }

  private isHeadless(spec: ServiceSpec): boolean {
    return spec.clusterIP === 'None';
  }

  /** The endpoints DNS publishes for a Service: ready ones, or all with publishNotReadyAddresses. */
  private endpointsOf(ns: string, name: string, spec: ServiceSpec): EndpointAddress[] {
    const out: EndpointAddress[] = [];
    const seen = new Set<string>();
    for (const slice of this.slices.get(`${ns}/${name}`)?.values() ?? []) {
      const s = slice as unknown as Slice;
      if (s.addressType && s.addressType !== 'IPv4') continue;
      const ports = (s.ports ?? []).filter((p) => p.port !== undefined).map((p) => ({ name: p.name ?? '', port: p.port!, protocol: (p.protocol ?? 'TCP').toLowerCase() }));
      for (const ep of s.endpoints ?? []) {
        const ready = ep.conditions?.ready !== false;
        if (!ready && !spec.publishNotReadyAddresses) continue;
        for (const address of ep.addresses ?? []) {
          if (seen.has(address)) continue;
          seen.add(address);
          out.push({ address, label: endpointLabel(ep, address), ports });
        }
      }
    }
    return out.sort((a, b) => a.label.localeCompare(b.label));
  }

  private serviceIPs(spec: ServiceSpec): string[] {
    const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
    return ips.filter((ip) => ip && ip !== 'None');
  }

  /** Answers `name` (any case, with or without the final dot) for `type`. */
  lookup(qname: string, type: RecordType): Lookup {
    const name = lower(qname);
    if (name.endsWith('.in-addr.arpa')) return this.lookupReverse(name, type);
    if (name === this.zone || !name.endsWith(`.${this.zone}`)) {
      return name === this.zone ? this.answer([]) : { kind: 'external' };
    }
    const labels = name.slice(0, -(this.zone.length + 1)).split('.');
    const fqdn = (...parts: string[]) => `${[...parts, this.zone].join('.')}`;
    if (labels.length === 1 && labels[0] === 'dns-version') {
      return this.answer(type === 'TXT' || type === 'ANY' ? [{ type: 'TXT', name, ttl: this.ttl, data: specVersion }] : []);
    }
    const kindIndex = labels.length - 1;
    const kind = labels[kindIndex];
    if (kind === 'pod') {
      // a-b-c-d.ns.pod.ZONE
      if (labels.length !== 3) return labels.length < 3 ? this.answer([]) : { kind: 'nxdomain' };
      const ip = labels[0].replace(/-/g, '.');
      const m = ipv4.exec(ip);
      if (!m || m.slice(1).some((o) => Number(o) > 255)) return { kind: 'nxdomain' };
      return this.answer(type === 'A' || type === 'ANY' ? [{ type: 'A', name, ttl: this.ttl, data: ip }] : []);
    }
    if (kind !== 'svc') return { kind: 'nxdomain' };
    // ns.svc.ZONE and svc.ZONE exist as names (empty non-terminals).
    if (labels.length <= 2) return labels.length === 1 || this.namespaceHasServices(labels[0]) ? this.answer([]) : { kind: 'nxdomain' };
    const ns = labels[kindIndex - 1];
    const svcName = labels[kindIndex - 2];
    const svc = this.services.get(`${ns}/${svcName}`);
    if (!svc) return { kind: 'nxdomain' };
    const spec = this.specOf(svc);
    const svcFqdn = fqdn(svcName, ns, 'svc');
    const rest = labels.slice(0, kindIndex - 2);

    if (rest.length === 0) {
      if (spec.type === 'ExternalName') {
        if (!spec.externalName) return { kind: 'nxdomain' };
        return this.answer(type === 'A' || type === 'AAAA' || type === 'CNAME' || type === 'ANY' ? [{ type: 'CNAME', name, ttl: this.ttl, data: lower(spec.externalName) }] : []);
      }
      if (type === 'A' || type === 'ANY') {
        if (this.isHeadless(spec)) return this.answer(this.endpointsOf(ns, svcName, spec).map((e) => ({ type: 'A', name, ttl: this.ttl, data: e.address })));
        return this.answer(this.serviceIPs(spec).filter((ip) => ipv4.test(ip)).map((ip) => ({ type: 'A', name, ttl: this.ttl, data: ip })));
      }
      if (type === 'SRV') return this.srvAnswers(name, ns, svcName, spec, svcFqdn, undefined, undefined);
      return this.answer([]);
    }
    if (rest.length === 1 && !rest[0].startsWith('_')) {
      // host.svc.ns.svc.ZONE: an endpoint of a headless Service.
      if (!this.isHeadless(spec)) return { kind: 'nxdomain' };
      const eps = this.endpointsOf(ns, svcName, spec).filter((e) => e.label === rest[0]);
      if (eps.length === 0) return { kind: 'nxdomain' };
      return this.answer(type === 'A' || type === 'ANY' ? eps.map((e) => ({ type: 'A', name, ttl: this.ttl, data: e.address })) : []);
    }
    if (rest.length === 2 && rest[0].startsWith('_') && rest[1].startsWith('_')) {
      const portName = rest[0].slice(1);
      const proto = rest[1].slice(1);
      const has = (spec.ports ?? []).some((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP').toLowerCase() === proto);
      if (!has) return { kind: 'nxdomain' };
      return type === 'SRV' || type === 'ANY' ? this.srvAnswers(name, ns, svcName, spec, svcFqdn, portName, proto) : this.answer([]);
    }
    return { kind: 'nxdomain' };
  }

  private namespaceHasServices(ns: string): boolean {
    for (const key of this.services.keys()) if (key.startsWith(`${ns}/`)) return true;
    return false;
  }

  /** SRV records for named ports (all of them when portName is undefined), with A records as additionals. */
  private srvAnswers(name: string, ns: string, svcName: string, spec: ServiceSpec, svcFqdn: string, portName: string | undefined, proto: string | undefined): Lookup {
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    if (this.isHeadless(spec)) {
      const eps = this.endpointsOf(ns, svcName, spec);
      const records: { port: number; target: string; address: string }[] = [];
      for (const e of eps) {
        for (const p of e.ports) {
          if (!p.name && portName === undefined) continue;
          if (portName !== undefined && (p.name !== portName || p.protocol !== proto)) continue;
          records.push({ port: p.port, target: `${e.label}.${svcFqdn}`, address: e.address });
        }
      }
      const weight = records.length ? Math.floor(100 / records.length) : 0;
      for (const r of records) {
        answers.push({ type: 'SRV', name, ttl: this.ttl, data: { priority: 0, weight, port: r.port, target: r.target } });
        if (!additionals.some((a) => a.name === r.target)) additionals.push({ type: 'A', name: r.target, ttl: this.ttl, data: r.address });
      }
    } else {
      const ports = (spec.ports ?? []).filter((p) => (portName === undefined ? !!p.name : (p.name ?? '') === portName && (p.protocol ?? 'TCP').toLowerCase() === proto));
      const weight = ports.length ? Math.floor(100 / ports.length) : 0;
      for (const p of ports) answers.push({ type: 'SRV', name, ttl: this.ttl, data: { priority: 0, weight, port: p.port, target: svcFqdn } });
      if (answers.length) for (const ip of this.serviceIPs(spec).filter((i) => ipv4.test(i))) additionals.push({ type: 'A', name: svcFqdn, ttl: this.ttl, data: ip });
    }
    return { kind: 'answer', answers, additionals };
  }

  private lookupReverse(name: string, type: RecordType): Lookup {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4) return { kind: 'external' };
    const ip = parts.reverse().join('.');
    const target = this.reverseIndex().get(ip);
    if (!target) return { kind: 'external' };
    return this.answer(type === 'PTR' || type === 'ANY' ? [{ type: 'PTR', name, ttl: this.ttl, data: target }] : []);
  }

  private reverseIndex(): Map<string, string> {
    if (this.reverse) return this.reverse;
    const m = new Map<string, string>();
    for (const [key, svc] of this.services) {
      const [ns, name] = key.split('/');
      const spec = this.specOf(svc);
      const svcFqdn = `${name}.${ns}.svc.${this.zone}`;
      if (this.isHeadless(spec)) {
        for (const e of this.endpointsOf(ns, name, spec)) if (!m.has(e.address)) m.set(e.address, `${e.label}.${svcFqdn}`);
      } else {
        for (const ip of this.serviceIPs(spec)) m.set(ip, svcFqdn);
      }
    }
    this.reverse = m;
    return m;
  }

  private answer(answers: Answer[]): Lookup {
    return { kind: 'answer', answers, additionals: [] };
  }
}
