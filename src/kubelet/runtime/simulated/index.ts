// The simulated runtime: kwok-style nodes whose pods move through stages on an injectable clock.

export { NodeSimulator, type NodeSimulatorOptions } from './node-simulator.js';
export { SimulateAnnotations, defaultPodStages, interactiveTimings, fastTimings, nextStage, behaviourOf, backOffMs, type PodStage, type SimTimings, type StageContext, type StageResult, type SimEvent } from './stages.js';
export { simulatedNodeLabel, defaultCapacity } from './node-object.js';
export { defaultClusterCIDR, defaultNodeIPRange, largeClusterCIDR, defaultPodRanges } from './ipam.js';
