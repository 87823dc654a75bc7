// The scheduling framework's runtime (frameworkImpl): one profile's plugins in their configured
// order, each extension point run the way upstream runs it — PreFilter narrowing the nodes and
// skipping plugins with nothing to check, Filter stopping at the first rejection (twice when
// higher-priority pods are nominated to the node), Score plugins normalized to 0..100 and
// summed by weight, queueing hints deciding which cluster events may help a rejected pod.

import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { QueuedPodInfo } from './queue.js';
import {
  Code,
  CycleState,
  MaxNodeScore,
  NodeToStatus,
  Status,
  type BindPlugin,
  type ClusterEvent,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type Plugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type QueueingHint,
  type ScorePlugin,
} from './types.js';

export interface PluginEntry {
  plugin: Plugin;
  /** Score weight (default 1). */
  weight?: number;
}

function has<K extends string>(p: Plugin, method: K): p is Plugin & Record<K, (...args: never[]) => unknown> {
  return typeof (p as unknown as Record<string, unknown>)[method] === 'function';
}

export interface PreFilterOutcome {
  /** Nodes worth filtering; undefined means all. */
  nodeNames: Set<string> | undefined;
  status: Status | null;
  /** Plugins whose PreFilter narrowed the nodes. */
  pluginsWithNodes: string[];
}

export class Framework {
  readonly preEnqueuePlugins: PreEnqueuePlugin[] = [];
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: { plugin: ScorePlugin; weight: number }[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  private readonly hints = new Map<string, ReturnType<EnqueueExtensions['events']>>();

  constructor(
    readonly handle: Handle,
    plugins: PluginEntry[],
    readonly profileName = 'default-scheduler',
  ) {
    for (const { plugin, weight } of plugins) {
      if (has(plugin, 'preEnqueue')) this.preEnqueuePlugins.push(plugin as unknown as PreEnqueuePlugin);
      if (has(plugin, 'preFilter')) this.preFilterPlugins.push(plugin as unknown as PreFilterPlugin);
      if (has(plugin, 'filter')) this.filterPlugins.push(plugin as unknown as FilterPlugin);
      if (has(plugin, 'postFilter')) this.postFilterPlugins.push(plugin as unknown as PostFilterPlugin);
      if (has(plugin, 'preScore')) this.preScorePlugins.push(plugin as unknown as PreScorePlugin);
      if (has(plugin, 'score')) this.scorePlugins.push({ plugin: plugin as unknown as ScorePlugin, weight: weight ?? 1 });
      if (has(plugin, 'bind')) this.bindPlugins.push(plugin as unknown as BindPlugin);
      if (has(plugin, 'events')) this.hints.set(plugin.name, (plugin as unknown as EnqueueExtensions).events());
    }
  }

  get hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }

  get hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }

  get hasPostFilterPlugins(): boolean {
    return this.postFilterPlugins.length > 0;
  }

  runPreEnqueue(pod: PodInfo): Status | null {
    for (const p of this.preEnqueuePlugins) {
      const s = p.preEnqueue(pod);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return null;
  }

  runPreFilter(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): PreFilterOutcome {
    let nodeNames: Set<string> | undefined;
    const pluginsWithNodes: string[] = [];
    let rejected: Status | null = null;
    for (const p of this.preFilterPlugins) {
      let out: ReturnType<PreFilterPlugin['preFilter']>;
      try {
        out = p.preFilter(state, pod, nodes);
      } catch (e) {
        return { nodeNames: undefined, status: Status.error(new Error(`running PreFilter plugin "${p.name}": ${(e as Error).message}`)).withPlugin(p.name), pluginsWithNodes };
      }
      const status = out instanceof Status ? out : out === null ? null : (out.status ?? null);
      const result = out instanceof Status || out === null ? undefined : out.result;
      if (status?.code === Code.Skip) {
        state.skipFilter.add(p.name);
        continue;
      }
      if (status && !status.isSuccess()) {
        status.withPlugin(p.name);
        // Unresolvable: preemption cannot help, nothing else to run. Unschedulable: the
        // rest still run, so preemption has their state.
        if (status.code === Code.UnschedulableAndUnresolvable) return { nodeNames: undefined, status, pluginsWithNodes };
        if (status.code === Code.Unschedulable) {
          rejected = status;
          continue;
        }
        return { nodeNames: undefined, status: new Status(Code.Error, [`running PreFilter plugin "${p.name}": ${status.message()}`]).withPlugin(p.name), pluginsWithNodes };
      }
      if (result?.nodeNames) {
        pluginsWithNodes.push(p.name);
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => result.nodeNames!.has(n))) : new Set(result.nodeNames);
        if (nodeNames.size === 0) {
          const msg = pluginsWithNodes.length === 1 ? `node(s) didn't satisfy plugin ${pluginsWithNodes[0]}` : `node(s) didn't satisfy plugin(s) [${pluginsWithNodes.join(' ')}] simultaneously`;
          return { nodeNames, status: new Status(Code.UnschedulableAndUnresolvable, [msg]), pluginsWithNodes };
        }
      }
    }
    return { nodeNames, status: rejected, pluginsWithNodes };
  }

  runPreFilterAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.preFilterPlugins) {
      if (!p.addPod || state.skipFilter.has(p.name)) continue;
      const s = p.addPod(state, pod, podToAdd, node);
      if (s && !s.isSuccess()) return Status.error(new Error(`running AddPod on PreFilter plugin "${p.name}": ${s.message()}`));
    }
    return null;
  }

  runPreFilterRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.preFilterPlugins) {
      if (!p.removePod || state.skipFilter.has(p.name)) continue;
      const s = p.removePod(state, pod, podToRemove, node);
      if (s && !s.isSuccess()) return Status.error(new Error(`running RemovePod on PreFilter plugin "${p.name}": ${s.message()}`));
    }
    return null;
  }

  /** Filters in order, stopping at the first one that does not pass. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const filters = (state.activeFilters ??= this.filterPlugins.filter((p) => !state.skipFilter.has(p.name)));
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i];
      const s = p.filter(state, pod, node);
      if (s && s.code !== Code.Success) {
        if (s.code === Code.Error) return new Status(Code.Error, [`running "${p.name}" filter plugin: ${s.message()}`], s.error).withPlugin(p.name);
        return s.withPlugin(p.name);
      }
    }
    return null;
  }

  /**
   * Filters as if the nominated pods of equal or higher priority already ran on the node, then
   * (if they all pass) without them: the pod must fit either way.
   */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const nominated = this.handle.nominatedPodsForNode(node.name);
    if (nominated.length === 0) return this.runFilter(state, pod, node);
    let stateToUse = state;
    let nodeToUse = node;
    let added = false;
    for (const np of nominated) {
      if (np.priority < pod.priority || np.uid === pod.uid) continue;
      if (!added) {
        stateToUse = state.clone();
        nodeToUse = node.clone();
        added = true;
      }
      nodeToUse.addPod(np);
      const s = this.runPreFilterAddPod(stateToUse, pod, np, nodeToUse);
      if (s) return s;
    }
    const first = this.runFilter(stateToUse, pod, nodeToUse);
    if (!added || first) return first;
    return this.runFilter(state, pod, node);
  }

  async runPostFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }> {
    let result: PostFilterResult | undefined;
    const reasons: string[] = [];
    let rejector = '';
    for (const p of this.postFilterPlugins) {
      let out: { result?: PostFilterResult; status: Status };
      try {
        out = await p.postFilter(state, pod, statuses);
      } catch (e) {
        return { status: Status.error(e).withPlugin(p.name) };
      }
      const s = out.status;
      if (s.isSuccess()) return out;
      if (s.code === Code.UnschedulableAndUnresolvable) return { result: out.result, status: s.withPlugin(p.name) };
      if (!s.isRejected()) return { status: new Status(Code.Error, s.reasons, s.error).withPlugin(p.name) };
      if (out.result) result = out.result;
      reasons.push(...s.reasons);
      rejector ||= p.name;
    }
    return { result, status: new Status(Code.Unschedulable, reasons).withPlugin(rejector) };
  }

  runPreScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status | null {
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (!s || s.code === Code.Success) continue;
      if (s.code === Code.Skip) {
        state.skipScore.add(p.name);
        continue;
      }
      return new Status(Code.Error, [`running PreScore plugin "${p.name}": ${s.message()}`]).withPlugin(p.name);
    }
    return null;
  }

  /** Total weighted scores, one per node in order; per-plugin scores when `perPlugin` is given. */
  runScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[], perPlugin?: Map<string, number[]>): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScore.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i]);
      plugin.normalizeScore?.(state, pod, scores, nodes);
      for (let i = 0; i < nodes.length; i++) {
        const s = scores[i];
        if (s > MaxNodeScore || s < 0) throw new Error(`plugin "${plugin.name}" returns an invalid score ${s}, it should in the range of [0, ${MaxNodeScore}] after normalizing`);
        totals[i] += s * weight;
      }
      perPlugin?.set(plugin.name, [...scores]);
    }
    return totals;
  }

  async runBind(pod: PodInfo, nodeName: string): Promise<Status | null> {
    for (const p of this.bindPlugins) {
      const s = await p.bind(pod, nodeName);
      if (s && s.code === Code.Skip) continue;
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
      return null;
    }
    return new Status(Code.Error, ['no bind plugin bound the pod']);
  }

  /**
   * Queueing hints: may this event make the pod schedulable? True when no plugin is blamed,
   * when a rejecting plugin registered the event without a finer check, or its hint says so.
   */
  isWorthRequeuing(p: QueuedPodInfo, event: ClusterEvent): boolean {
    const rejectors = p.unschedulablePlugins.size + p.pendingPlugins.size === 0 ? undefined : new Set([...p.unschedulablePlugins, ...p.pendingPlugins]);
    if (!rejectors) return true;
    for (const name of rejectors) {
      const registrations = this.hints.get(name);
      // A rejector that registered nothing is requeued by every event, as upstream's
      // plugins without EnqueueExtensions are.
      if (!registrations) return true;
      for (const r of registrations) {
        if (r.kind !== event.kind) continue;
        if (r.updates && event.updates && !r.updates.some((u) => event.updates!.has(u))) continue;
        if (!r.hint || (r.hint as QueueingHint)(p.info, event)) return true;
      }
    }
    return false;
  }
}
