// ResourceQuota (validating): a create or update that would take a namespace past one of its
// quotas is refused; an accepted one is charged to the quotas' status.used at once, with a
// conditional status write, so concurrent requests each see the others' usage. Requests in a
// namespace are checked one at a time in this process; the conditional write settles races
// with the quota controller (and other API servers), retrying on a conflict as upstream does.

import type { KubeObject } from '../../api/object.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { formatResourceList, listsEqual } from './resources/resource-list.js';
import { chargeRequest, quotaState, QuotaRefusal, type QuotaState } from './quota/check.js';
import { evaluatorFor } from './quota/evaluators.js';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types.js';
import { admissionForbidden, asObject } from './util.js';

export interface ResourceQuotaAdmissionOptions {
  clock?: Clock;
  /** How many times a lost status write is re-evaluated against fresh quotas (upstream: 3). */
  retries?: number;
}

/** Resources quota never tracks. */
const ignored = new Set(['/events']);

/** Runs tasks one at a time per key. */
class KeyedSerializer {
  private tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Where quotas are read and charged. */
interface QuotaAccess {
  list(namespace: string): Promise<KubeObject[]>;
  writeStatus(quota: KubeObject): Promise<void>;
}

/** Through the lookup's conditional status write: the charge is stored. */
function storedAccess(lookup: AdmissionLookup): QuotaAccess {
  return {
    list: (ns) => lookup.list('', 'resourcequotas', ns),
    writeStatus: async (q) => void (await lookup.updateStatus!('', 'resourcequotas', q)),
  };
}

/**
 * Without a status write, charges live in this process, laid over the stored status until the
 * quota controller stores a fresh count (a new resourceVersion).
 */
function inMemoryAccess(lookup: AdmissionLookup, charges: Map<string, { resourceVersion: string | undefined; status: unknown }>): QuotaAccess {
  const key = (q: KubeObject) => `${q.metadata.namespace}/${q.metadata.name}`;
  return {
    async list(ns) {
      return (await lookup.list('', 'resourcequotas', ns)).map((q) => {
        const c = charges.get(key(q));
        if (!c) return q;
        if (c.resourceVersion !== q.metadata.resourceVersion) {
          charges.delete(key(q));
          return q;
        }
        return { ...q, status: c.status };
      });
    },
    async writeStatus(q) {
      charges.set(key(q), { resourceVersion: q.metadata.resourceVersion, status: q.status });
    },
  };
}

function withUsage(s: QuotaState): KubeObject {
  return { ...s.quota, status: { ...asObject(s.quota.status), used: formatResourceList(s.used) } };
}

export function resourceQuotaAdmission(options: ResourceQuotaAdmissionOptions = {}): AdmissionPlugin {
  const clock = options.clock ?? realClock;
  const retries = options.retries ?? 3;
  const serializer = new KeyedSerializer();
  const charges = new Map<string, { resourceVersion: string | undefined; status: unknown }>();

  async function evaluate(attrs: AdmissionAttributes, access: QuotaAccess): Promise<void> {
    const evaluator = evaluatorFor(attrs.resource.group, attrs.resource.plural);
    let quotas = (await access.list(attrs.namespace)).map(quotaState);
    for (let attempt = 0; ; attempt++) {
      const request = { operation: attrs.operation, object: attrs.object!, oldObject: attrs.oldObject, now: clock.now() };
      let charged: QuotaState[];
      try {
        charged = chargeRequest(quotas, request, evaluator);
      } catch (e) {
        if (e instanceof QuotaRefusal) throw admissionForbidden(attrs, e.message, 'validate');
        throw e;
      }
      if (attrs.dryRun) return;
      const failed: string[] = [];
      let lastError: unknown;
      for (let i = 0; i < charged.length; i++) {
        if (listsEqual(charged[i].used, quotas[i].used)) continue;
        try {
          await access.writeStatus(withUsage(charged[i]));
        } catch (e) {
          failed.push(charged[i].quota.metadata.name ?? '');
          lastError = e;
        }
      }
      if (failed.length === 0) return;
      if (attempt >= retries) throw lastError;
      // Only the quotas whose write lost are checked again, at their current state.
      quotas = (await access.list(attrs.namespace)).filter((q) => failed.includes(q.metadata.name ?? '')).map(quotaState);
    }
  }

  return {
    name: 'ResourceQuota',
    async validate(attrs, lookup) {
      if (attrs.subresource !== '' || attrs.namespace === '' || !attrs.object) return;
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      if (ignored.has(`${attrs.resource.group}/${attrs.resource.plural}`)) return;
      if (!evaluatorFor(attrs.resource.group, attrs.resource.plural).handles(attrs.operation)) return;
      const access = lookup.updateStatus ? storedAccess(lookup) : inMemoryAccess(lookup, charges);
      // Most namespaces have no quota: answer without queueing behind other requests.
      if ((await access.list(attrs.namespace)).length === 0) return;
      await serializer.run(attrs.namespace, () => evaluate(attrs, access));
    },
  };
}
