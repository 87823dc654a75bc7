// DefaultBinder (Bind): POST pods/NAME/binding with the chosen node, as kube-scheduler does.

import type { KubeObject } from '../../api/object.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { PodInfo } from '../pod-info.js';
import { Status, type BindPlugin } from '../types.js';

export class DefaultBinder implements BindPlugin {
  readonly name = 'DefaultBinder';

  constructor(private readonly client: Client) {}

  async bind(pod: PodInfo, nodeName: string): Promise<Status | null> {
    const binding: KubeObject = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { namespace: pod.namespace, name: pod.name, uid: pod.uid },
      target: { kind: 'Node', name: nodeName },
    };
    try {
      await this.client.createSubresource(R.pods, pod.namespace, pod.name, 'binding', binding);
      return null;
    } catch (e) {
      return Status.error(e);
    }
  }
}
