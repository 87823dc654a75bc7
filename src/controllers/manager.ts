// The controller manager: shared informers, the event recorder, and every controller loop,
// run only while this process holds the kube-controller-manager Lease.

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ResourceType, Scheme } from '../api/scheme.js';
import { splitApiVersion } from '../api/object.js';
import type { Clock } from '../machinery/clock.js';
import type { Client, ResourceRef } from '../client/interface.js';
import { InformerFactory } from '../client/informer.js';
import { refOf } from '../client/resources.js';
import type { ControllerContext, Runnable } from './controller.js';
import { ClientEventRecorder } from './events.js';
import { GarbageCollector } from './garbage-collector.js';
import { LeaderElector, defaultLeaderElection } from './leader-election.js';
import { namespaceController } from './namespace.js';
import { serviceLoadBalancerController } from '../proxy/service-lb.js';
import { replicaSetController, replicationControllerController } from './replicaset.js';
import { deploymentController } from './deployment/index.js';
import { jobController } from './job/controller.js';
import { statefulSetController } from './statefulset/index.js';
import { daemonSetController } from './daemonset/index.js';
import { cronJobController } from './cronjob.js';
import { ttlAfterFinishedController } from './ttl-after-finished.js';
import { endpointsController } from './endpoints.js';
import { endpointSliceController } from './endpointslice.js';
import { endpointSliceMirroringController } from './endpointslice-mirroring.js';
import { disruptionController } from './disruption.js';
import { volumeControllers } from './volume/index.js';
import { horizontalPodAutoscalerController } from './hpa/index.js';
import { NodeLifecycleController } from './node-lifecycle.js';
import { TaintEvictionController } from './node-lifecycle/taint-eviction.js';
import { PodGCController } from './podgc.js';
import { serviceAccountController } from './serviceaccount.js';
import { rootCAPublisher } from './root-ca-publisher.js';
import { resourceQuotaController } from './resourcequota.js';
import { pvcProtectionController } from './pvc-protection.js';
import { pvProtectionController } from './pv-protection.js';

export interface ControllerManagerOptions {
  client: Client;
  scheme: Scheme;
  clock: Clock;
  log: (msg: string) => void;
  leaderElection?: boolean;
  /** The cluster CA (PEM) that root-ca-publisher puts in every namespace's kube-root-ca.crt. */
  caPem: string;
  /** Where the local-path provisioner makes volumes; false turns it off. */
  localStorageDir?: string | false;
  /** How long a node may go without a heartbeat before it is Unknown (node-monitor-grace-period). */
  nodeMonitorGracePeriodMs?: number;
}

function listable(r: ResourceType): boolean {
  return !r.virtual && r.verbs.includes('list') && r.verbs.includes('watch') && r.verbs.includes('delete');
}

export class ControllerManager implements Runnable {
  readonly recorder: ClientEventRecorder;

  constructor(private readonly opts: ControllerManagerOptions) {
    this.recorder = new ClientEventRecorder(opts.client, 'kube-controller-manager', opts.clock, opts.log);
  }

  private resources(filter: (r: ResourceType) => boolean): ResourceRef[] {
    // events.k8s.io shares storage with core events: one of them is enough.
    return this.opts.scheme
      .all()
      .filter((r) => listable(r) && filter(r) && !(r.group === 'events.k8s.io'))
      .map((r) => refOf(r));
  }

  private controllers(ctx: ControllerContext): Runnable[] {
    const scheme = this.opts.scheme;
    const resourceForKind = (apiVersion: string, kind: string) => {
      const { group, version } = splitApiVersion(apiVersion);
      const r = scheme.resourceForKind(group, kind);
      return r ? refOf(r, r.versions.includes(version) ? version : r.versions[0]) : undefined;
    };
    const localStorageDir = this.opts.localStorageDir;
    return [
      namespaceController({ ...ctx, namespacedResources: () => this.resources((r) => r.namespaced) }),
      new GarbageCollector({ ...ctx, deletableResources: () => this.resources(() => true), resourceForKind }),
      replicaSetController(ctx),
      replicationControllerController(ctx),
      deploymentController(ctx),
      statefulSetController(ctx),
      daemonSetController(ctx),
      jobController(ctx),
      cronJobController(ctx),
      ttlAfterFinishedController(ctx),
      serviceAccountController(ctx),
      rootCAPublisher({ ...ctx, rootCA: this.opts.caPem }),
      resourceQuotaController({
        ...ctx,
        resourceFor: (group, plural) => {
          const r = scheme.all().find((x) => x.group === group && x.plural === plural && listable(x));
          return r ? refOf(r) : undefined;
        },
      }),
      pvcProtectionController(ctx),
      pvProtectionController(ctx),
      endpointsController(ctx),
      endpointSliceController(ctx),
      endpointSliceMirroringController(ctx),
      serviceLoadBalancerController(ctx),
      disruptionController(ctx, { resourceForKind }),
      ...volumeControllers(ctx, { localPath: localStorageDir ? { dataDir: localStorageDir } : false }),
      horizontalPodAutoscalerController(ctx, { resourceForKind }),
      new NodeLifecycleController(ctx, this.opts.nodeMonitorGracePeriodMs ? { gracePeriodMs: this.opts.nodeMonitorGracePeriodMs } : {}),
      new TaintEvictionController(ctx),
      new PodGCController(ctx),
    ];
  }

  async start(signal: AbortSignal): Promise<void> {
    const lead = async (leading: AbortSignal) => {
      // Each term of leadership starts from fresh informers: nothing cached outlives it.
      const informers = new InformerFactory(this.opts.client, this.opts.log);
      const ctx: ControllerContext = { client: this.opts.client, informers, clock: this.opts.clock, recorder: this.recorder, log: this.opts.log };
      const runnables = this.controllers(ctx);
      informers.start(leading);
      await Promise.all(runnables.map((r) => r.start(leading)));
    };
    if (this.opts.leaderElection === false) return lead(signal);
    const elector = new LeaderElector(
      this.opts.client,
      this.opts.clock,
      { namespace: 'kube-system', name: 'kube-controller-manager', identity: `${hostname()}_${randomUUID()}`, ...defaultLeaderElection },
      this.opts.log,
    );
    await elector.run(signal, lead);
  }
}

