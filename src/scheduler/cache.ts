// The scheduler's cache (internal/cache): every node and the pods assigned or assumed on it,
// updated incrementally from informer events. A pod is "assumed" on a node as soon as a cycle
// picks the node, so the next cycle counts it while its binding is still in flight; the
// informer's bound pod later confirms it, a failed binding forgets it.
//
// Upstream copies changed NodeInfos into a snapshot at the start of each cycle because its
// informers run on other goroutines. Here a scheduling cycle runs without yielding to the event
// loop, so nothing can change under it: the cycle reads the cache directly, and only preemption
// and nominated pods work on clones.

import type { KubeObject } from '../api/object.js';
import { NodeInfo, type ImageStateSummary } from './node-info.js';
import { PodInfo } from './pod-info.js';

interface PodState {
  info: PodInfo;
  assumed: boolean;
  bindingFinished: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  /** Node names per zone, zones in order of appearance (the node tree). */
  private readonly zones = new Map<string, string[]>();
  private readonly nodeZone = new Map<string, string>();
  private readonly images = new Map<string, { summary: ImageStateSummary; nodes: Set<string> }>();
  private list: NodeInfo[] | undefined;
  private affinityLists: { withAffinity: NodeInfo[]; withAntiAffinity: NodeInfo[] } | undefined;

  get nodeCount(): number {
    return this.nodeList().length;
  }

  get podCount(): number {
    return this.pods.size;
  }

  // --- nodes ---

  addNode(node: KubeObject): NodeInfo {
    const name = node.metadata.name ?? '';
    let info = this.nodes.get(name);
    const known = !!info?.node;
    if (!info) this.nodes.set(name, (info = new NodeInfo(name)));
    else if (info.node) this.removeImages(info);
    info.setNode(node);
    this.addImages(info);
    // Status heartbeats change nothing in the list: rebuild it only for new nodes or zones.
    if (this.placeInTree(info) || !known) this.invalidate();
    return info;
  }

  updateNode(node: KubeObject): NodeInfo {
    return this.addNode(node);
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.removeImages(info);
    this.removeFromTree(name);
    // Pods still assigned keep a node-less entry until they go, as upstream does.
    if (info.pods.length === 0) this.nodes.delete(name);
    else info.node = undefined;
    this.invalidate();
  }

  nodeInfo(name: string): NodeInfo | undefined {
    const info = this.nodes.get(name);
    return info?.node ? info : undefined;
  }

  /** Nodes interleaved zone by zone (nodeTree.list), so the first ones looked at span zones. */
  nodeList(): NodeInfo[] {
    if (this.list) return this.list;
    const perZone = [...this.zones.values()];
    const out: NodeInfo[] = [];
    for (let i = 0, more = true; more; i++) {
      more = false;
      for (const names of perZone) {
        if (i >= names.length) continue;
        more = true;
        const info = this.nodes.get(names[i]);
        if (info?.node) out.push(info);
      }
    }
    return (this.list = out);
  }

  nodesWithAffinity(): NodeInfo[] {
    return this.affinity().withAffinity;
  }

  nodesWithRequiredAntiAffinity(): NodeInfo[] {
    return this.affinity().withAntiAffinity;
  }

  private affinity(): { withAffinity: NodeInfo[]; withAntiAffinity: NodeInfo[] } {
    if (this.affinityLists) return this.affinityLists;
    const withAffinity: NodeInfo[] = [];
    const withAntiAffinity: NodeInfo[] = [];
    for (const n of this.nodeList()) {
      if (n.podsWithAffinity.length) withAffinity.push(n);
      if (n.podsWithRequiredAntiAffinity.length) withAntiAffinity.push(n);
    }
    return (this.affinityLists = { withAffinity, withAntiAffinity });
  }

  private invalidate(): void {
    this.list = undefined;
    this.affinityLists = undefined;
  }

  /** True when the node moved to another zone (or was not in the tree). */
  private placeInTree(info: NodeInfo): boolean {
    const zone = info.zoneKey();
    const current = this.nodeZone.get(info.name);
    if (current === zone) return false;
    if (current !== undefined) this.removeFromTree(info.name);
    let names = this.zones.get(zone);
    if (!names) this.zones.set(zone, (names = []));
    names.push(info.name);
    this.nodeZone.set(info.name, zone);
    return true;
  }

  private removeFromTree(name: string): void {
    const zone = this.nodeZone.get(name);
    if (zone === undefined) return;
    const names = this.zones.get(zone) ?? [];
    const i = names.indexOf(name);
    if (i >= 0) names.splice(i, 1);
    if (names.length === 0) this.zones.delete(zone);
    this.nodeZone.delete(name);
  }

  private addImages(info: NodeInfo): void {
    info.imageStates = new Map();
    for (const [name, size] of info.images()) {
      let state = this.images.get(name);
      if (!state) this.images.set(name, (state = { summary: { size, numNodes: 0 }, nodes: new Set() }));
      state.nodes.add(info.name);
      state.summary.numNodes = state.nodes.size;
      info.imageStates.set(name, state.summary);
    }
  }

  private removeImages(info: NodeInfo): void {
    for (const name of info.imageStates.keys()) {
      const state = this.images.get(name);
      if (!state) continue;
      state.nodes.delete(info.name);
      state.summary.numNodes = state.nodes.size;
      if (state.nodes.size === 0) this.images.delete(name);
    }
    info.imageStates = new Map();
  }

  // --- pods ---

  private nodeFor(name: string): NodeInfo {
    let info = this.nodes.get(name);
    if (!info) this.nodes.set(name, (info = new NodeInfo(name)));
    return info;
  }

  private place(info: PodInfo): void {
    this.nodeFor(info.nodeName).addPod(info);
    if (info.hasAffinity) this.affinityLists = undefined;
  }

  private unplace(info: PodInfo): void {
    const node = this.nodes.get(info.nodeName);
    if (!node) return;
    node.removePod(info);
    if (info.hasAffinity) this.affinityLists = undefined;
    if (!node.node && node.pods.length === 0) this.nodes.delete(node.name);
  }

  /** Assumes a pod on the node a cycle picked; returns the assumed PodInfo. */
  assumePod(info: PodInfo, nodeName: string): PodInfo {
    if (this.pods.has(info.uid)) throw new Error(`pod ${info.key}(${info.uid}) is in the cache, so can't be assumed`);
    const pod = info.pod;
    const assumed = new PodInfo({ ...pod, spec: { ...(pod.spec as object), nodeName } });
    this.place(assumed);
    this.pods.set(assumed.uid, { info: assumed, assumed: true, bindingFinished: false });
    return assumed;
  }

  finishBinding(uid: string): void {
    const s = this.pods.get(uid);
    if (s?.assumed) s.bindingFinished = true;
  }

  /** Drops an assumed pod whose binding failed. */
  forgetPod(uid: string): void {
    const s = this.pods.get(uid);
    if (!s || !s.assumed) return;
    this.unplace(s.info);
    this.pods.delete(uid);
  }

  isAssumed(uid: string): boolean {
    return this.pods.get(uid)?.assumed === true;
  }

  hasPod(uid: string): boolean {
    return this.pods.has(uid);
  }

  /** An assigned pod seen by the informer: confirms an assumed pod or adds a new one. */
  addPod(pod: KubeObject): PodInfo {
    const info = new PodInfo(pod);
    const s = this.pods.get(info.uid);
    if (s) {
      // Assumed (or already known): replace with the informer's version, on the node it names.
      this.unplace(s.info);
    }
    this.place(info);
    this.pods.set(info.uid, { info, assumed: false, bindingFinished: false });
    return info;
  }

  updatePod(pod: KubeObject): PodInfo {
    return this.addPod(pod);
  }

  removePod(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    const s = this.pods.get(uid);
    if (!s) return;
    this.unplace(s.info);
    this.pods.delete(uid);
  }

  podInfo(uid: string): PodInfo | undefined {
    return this.pods.get(uid)?.info;
  }
}
