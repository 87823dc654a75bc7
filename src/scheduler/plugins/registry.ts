// The default profile (default-scheduler): upstream 1.32's default plugins in their order, with
// their score weights. Of the volume plugins only VolumeBinding's claim checks are here (see
// volume-binding.ts).

import type { Client } from '../../client/interface.js';
import type { EventRecorder } from '../../controllers/events.js';
import type { Framework, PluginEntry } from '../framework.js';
import type { Handle } from '../types.js';
import { BalancedAllocation } from './balanced-allocation.js';
import { DefaultBinder } from './default-binder.js';
import { DefaultPreemption } from './default-preemption.js';
import { ImageLocality } from './image-locality.js';
import { InterPodAffinity } from './inter-pod-affinity.js';
import { NodeAffinity } from './node-affinity.js';
import { NodeName } from './node-name.js';
import { NodePorts } from './node-ports.js';
import { NodeResourcesFit } from './node-resources-fit.js';
import { NodeUnschedulable } from './node-unschedulable.js';
import { PodTopologySpread } from './pod-topology-spread.js';
import { SchedulingGates } from './scheduling-gates.js';
import { TaintToleration } from './taint-toleration.js';
import { VolumeBinding } from './volume-binding.js';

export interface DefaultPluginDeps {
  handle: Handle;
  client: Client;
  recorder: EventRecorder;
  framework: () => Framework;
  random?: () => number;
}

/** The default profile's queueing, filter and score plugins (all but preemption and binding). */
export function schedulingPlugins(handle: Handle): PluginEntry[] {
  return [
    { plugin: new SchedulingGates() },
    { plugin: new NodeUnschedulable() },
    { plugin: new NodeName() },
    { plugin: new TaintToleration(), weight: 3 },
    { plugin: new NodeAffinity(), weight: 2 },
    { plugin: new NodePorts() },
    { plugin: new NodeResourcesFit(), weight: 1 },
    { plugin: new VolumeBinding(handle) },
    { plugin: new PodTopologySpread(handle), weight: 2 },
    { plugin: new InterPodAffinity(handle), weight: 2 },
    { plugin: new BalancedAllocation(), weight: 1 },
    { plugin: new ImageLocality(handle), weight: 1 },
  ];
}

export function defaultPlugins(deps: DefaultPluginDeps): PluginEntry[] {
  return [
    ...schedulingPlugins(deps.handle),
    { plugin: new DefaultPreemption(deps.handle, deps.framework, deps.client, deps.recorder, { random: deps.random }) },
    { plugin: new DefaultBinder(deps.client) },
  ];
}
