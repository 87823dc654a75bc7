// Admission: ordered plugins that may change (admit) and then accept or refuse (validate) a
// write after the generic checks and before it is stored, as in Kubernetes' admission chain.

import type { KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/scheme.js';
import type { UserInfo } from '../auth/types.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  resource: ResourceType;
  subresource: string;
  namespace: string;
  name: string;
  /** The object being written (mutable in admit). Undefined for DELETE. */
  object?: KubeObject;
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
  /**
   * The name was just generated from metadata.generateName. Upstream generates it between the
   * mutating and validating phases, so refusals from admit() name the generateName prefix.
   */
  generatedName?: boolean;
}

/** Read access to the cluster's current state for plugins (namespaces, limit ranges, ...). */
export interface AdmissionLookup {
  get(group: string, plural: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(group: string, plural: string, namespace: string): Promise<KubeObject[]>;
  /**
   * Writes obj's status through the status subresource, conditional on
   * obj.metadata.resourceVersion (a 409 Conflict when it is stale), and returns the stored
   * object. ResourceQuota charges usage with it, as upstream's quota evaluator does; without
   * it the charges are kept in this process only.
   */
  updateStatus?(group: string, plural: string, obj: KubeObject): Promise<KubeObject>;
}

export interface AdmissionPlugin {
  name: string;
  /** Mutating phase. Throw a StatusError to refuse. */
  admit?(attrs: AdmissionAttributes, lookup: AdmissionLookup): Promise<void> | void;
  /** Validating phase: must not change the object. Throw a StatusError to refuse. */
  validate?(attrs: AdmissionAttributes, lookup: AdmissionLookup): Promise<void> | void;
}

export class AdmissionChain {
  constructor(
    private readonly plugins: AdmissionPlugin[],
    private readonly lookup: AdmissionLookup,
  ) {}

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.admit) await p.admit(attrs, this.lookup);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(attrs, this.lookup);
  }
}
