// What the kubelet's streaming server needs from the kubelet around it. The kubelet core
// implements KubeletStreamingBackend; tests implement it over a runtime directly.
//
// The server resolves `kubectl logs|exec|attach|port-forward` requests the way Kubernetes'
// kubelet does: the pod by namespace and name (404 `pod does not exist` otherwise), the
// container through the pod's status as the kubelet last computed it (containerStatuses'
// containerID, lastState for `--previous`, the waiting reason for "is waiting to start"),
// then the runtime for everything else (log path, exec, attach, port-forward).

import type { KubeObject } from '../../api/object.js';
import type { ContainerRuntime } from '../runtime/interface.js';

/** A container instance the streaming server talks to. */
export interface ContainerRef {
  /** The runtime's id (without the `containerd://` scheme). */
  containerId: string;
  /** Absolute path of its CRI-format log file. */
  logPath: string;
  podUid: string;
}

export interface KubeletStreamingBackend {
  /** The runtime the node's containers run in. */
  runtime: ContainerRuntime;
  /**
   * A pod bound to this node, with the status the kubelet last computed for it (its own
   * status manager's copy, falling back to the API's), or undefined when the kubelet has no
   * such pod.
   */
  getPod(namespace: string, name: string): KubeObject | undefined | Promise<KubeObject | undefined>;
  /** The pod's sandbox id in the runtime (port-forward), or undefined when it has none yet. */
  podSandbox(namespace: string, name: string): Promise<string | undefined>;
  /** Every pod bound to this node (GET /pods). Default: none. */
  listPods?(): KubeObject[] | Promise<KubeObject[]>;
  /**
   * Overrides how a container instance is found. By default the server reads the container
   * id from the pod status (as validateContainerLogStatus does) and asks the runtime for its
   * log path.
   */
  podContainer?(namespace: string, podName: string, container: string, opts: { previous: boolean }): Promise<ContainerRef | undefined>;
}

/** Who may call the kubelet's API: a user the server authenticated, and whether it may. */
export interface KubeletUser {
  name: string;
  groups: string[];
}

export interface KubeletServerOptions {
  backend: KubeletStreamingBackend;
  /** The node's name (for messages and the default authorizer). */
  nodeName: string;
  /** TLS serving material; without it the server speaks plain HTTP (tests only). */
  tls?: { cert: string; key: string };
  /** CA whose client certificates authenticate callers (the cluster CA). */
  clientCA?: string;
  /** Bearer tokens: the user a token stands for, or undefined. */
  authenticateToken?(token: string): KubeletUser | undefined | Promise<KubeletUser | undefined>;
  /** Who may do what; default: `system:masters`, `system:nodes` of this node, and the API server's kubelet client. */
  authorize?(user: KubeletUser, verb: string, subresource: string): boolean;
  /** Let unauthenticated requests through (tests and trusted loopback only). */
  allowAnonymous?: boolean;
  /** Default 127.0.0.1; the kubelet's is 0.0.0.0. */
  address?: string;
  /** Default 10250; 0 picks a free port. */
  port?: number;
  log?: (msg: string) => void;
  /** Read rotated log files too when reading a container's log (default true). */
  readRotatedLogs?: boolean;
}
