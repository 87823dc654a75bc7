// Discovery documents: the legacy /api, /apis, group and group-version lists, and aggregated
// discovery (apidiscovery.k8s.io/v2) that kubectl asks for first. All are computed from the
// scheme and cached until it changes (a CRD is added or removed).

import { createHash } from 'node:crypto';
import { apiVersionOf } from '../api/object.js';
import type { ResourceType, Scheme } from '../api/scheme.js';

export interface DiscoveryDoc {
  body: string;
  etag: string;
}

function doc(obj: unknown): DiscoveryDoc {
  const body = JSON.stringify(obj);
  return { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
}

function storageVersionHash(r: ResourceType): string {
  return createHash('sha256').update(`${r.group}/${r.versions[0]}/${r.kind}`).digest().subarray(0, 8).toString('base64');
}

export class Discovery {
  private cache = new Map<string, DiscoveryDoc | null>();

  constructor(
    private readonly scheme: Scheme,
    private readonly serverAddress: () => string,
  ) {
    scheme.onChange(() => this.cache.clear());
  }

  private cached(key: string, build: () => unknown): DiscoveryDoc | undefined {
    if (!this.cache.has(key)) {
      const value = build();
      this.cache.set(key, value === undefined ? null : doc(value));
    }
    return this.cache.get(key) ?? undefined;
  }

  /** GET /api */
  apiVersions(): DiscoveryDoc {
    return this.cached('/api', () => ({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }],
    }))!;
  }

  private groupDoc(name: string, versions: string[]) {
    const gvs = versions.map((v) => ({ groupVersion: apiVersionOf(name, v), version: v }));
    return { name, versions: gvs, preferredVersion: gvs[0] };
  }

  /** GET /apis */
  apiGroupList(): DiscoveryDoc {
    return this.cached('/apis', () => ({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.scheme
        .groups()
        .filter((g) => g.name !== '')
        .map((g) => this.groupDoc(g.name, g.versions)),
    }))!;
  }

  /** GET /apis/GROUP */
  apiGroup(group: string): DiscoveryDoc | undefined {
    return this.cached(`/apis/${group}`, () => {
      const g = this.scheme.groups().find((x) => x.name === group && group !== '');
      return g && { kind: 'APIGroup', apiVersion: 'v1', ...this.groupDoc(g.name, g.versions) };
    });
  }

  /** GET /api/v1 or /apis/GROUP/VERSION */
  resourceList(group: string, version: string): DiscoveryDoc | undefined {
    return this.cached(`/gv/${group}/${version}`, () => {
      const resources = this.scheme.resourcesIn(group, version);
      if (resources.length === 0) return undefined;
      const list: unknown[] = [];
      for (const r of resources) {
        const entry: Record<string, unknown> = {
          name: r.plural,
          singularName: r.singular,
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: r.verbs,
        };
        if (r.shortNames.length) entry.shortNames = r.shortNames;
        if (r.categories.length) entry.categories = r.categories;
        if (!r.virtual) entry.storageVersionHash = storageVersionHash(r);
        list.push(entry);
        for (const [sub, info] of Object.entries(r.subresources).sort(([a], [b]) => a.localeCompare(b))) {
          const s: Record<string, unknown> = {
            name: `${r.plural}/${sub}`,
            singularName: '',
            namespaced: r.namespaced,
            kind: info.kind || r.kind,
            verbs: info.verbs,
          };
          if (info.group !== undefined) s.group = info.group;
          if (info.version !== undefined) s.version = info.version;
          list.push(s);
        }
      }
      return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources: list };
    });
  }

  /** Aggregated discovery for /api (core) or /apis (every other group). */
  aggregated(core: boolean, version: 'v2' | 'v2beta1'): DiscoveryDoc {
    return this.cached(`/aggregated/${core}/${version}`, () => ({
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items: this.scheme
        .groups()
        .filter((g) => (g.name === '') === core)
        .map((g) => ({
          metadata: { name: g.name, creationTimestamp: null },
          versions: g.versions.map((v) => ({
            version: v,
            resources: this.scheme.resourcesIn(g.name, v).map((r) => this.aggregatedResource(r)),
            freshness: 'Current',
          })),
        })),
    }))!;
  }

  private aggregatedResource(r: ResourceType): Record<string, unknown> {
    const out: Record<string, unknown> = {
      resource: r.plural,
      responseKind: { group: '', version: '', kind: r.kind },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singular,
      verbs: r.verbs,
    };
    if (r.shortNames.length) out.shortNames = r.shortNames;
    if (r.categories.length) out.categories = r.categories;
    const subs = Object.entries(r.subresources).sort(([a], [b]) => a.localeCompare(b));
    if (subs.length) {
      out.subresources = subs.map(([sub, info]) => ({
        subresource: sub,
        responseKind: { group: info.group ?? '', version: info.version ?? '', kind: info.kind || r.kind },
        verbs: info.verbs,
      }));
    }
    return out;
  }
}
