// The kubelet's HTTPS API (pkg/kubelet/server): what the API server proxies `kubectl logs`,
// `exec`, `attach`, `port-forward` and `cp` to. Callers authenticate with a client
// certificate of the cluster CA (the API server's kubelet client) or a bearer token.
//
//   GET  /healthz                                       ok
//   GET  /pods                                          the node's pods (PodList)
//   GET  /containerLogs/{ns}/{pod}/{container}          ?follow&previous&tailLines&sinceSeconds&sinceTime&timestamps&limitBytes
//   *    /exec/{ns}/{pod}[/{uid}]/{container}           ?command=…&stdin=1&stdout=1&stderr=1&tty=1 (WebSocket or SPDY upgrade)
//   *    /attach/{ns}/{pod}[/{uid}]/{container}         ?stdin=1&stdout=1&stderr=1&tty=1
//   *    /portForward/{ns}/{pod}[/{uid}]                SPDY, SPDY-over-WebSocket, or WebSocket ?ports=80
//   POST /run/{ns}/{pod}[/{uid}]/{container}            ?cmd=… (runs to completion, answers its output)

import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { KubeObject } from '../../api/object.js';
import type { Runnable } from '../../controllers/controller.js';
import { aborted } from '../../machinery/abort.js';
import { openRemoteStreams, pumpSession, streamOptionsOf } from '../../apiserver/streaming/remotecommand.js';
import { servePortForward } from '../../apiserver/streaming/portforward.js';
import { canTakeUpgrade, isUpgradeRequest, serveUpgrades, takeUpgrade } from '../../apiserver/streaming/upgrade.js';
import { parseLogOptions } from './cri-log.js';
import { readContainerLogs } from './logs.js';
import type { ContainerRef, KubeletServerOptions, KubeletStreamingBackend, KubeletUser } from './types.js';

/** An error the kubelet answers with a plain-text body, as go-restful's WriteError does. */
export class KubeletHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface ContainerStatusLike {
  name: string;
  containerID?: string;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: { containerID?: string } };
  lastState?: { terminated?: { containerID?: string } };
}

function podParts(pod: KubeObject): { spec: Record<string, any>; status: Record<string, any> } {
  return { spec: (pod.spec ?? {}) as Record<string, any>, status: (pod.status ?? {}) as Record<string, any> };
}

function containerSpecNames(pod: KubeObject): string[] {
  const { spec } = podParts(pod);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c: { name: string }) => c.name);
}

function statusOf(pod: KubeObject, container: string): ContainerStatusLike | undefined {
  const { status } = podParts(pod);
  for (const list of [status.containerStatuses, status.initContainerStatuses, status.ephemeralContainerStatuses]) {
    const found = (list as ContainerStatusLike[] | undefined)?.find((s) => s.name === container);
    if (found) return found;
  }
  return undefined;
}

/** `containerd://abc` → `abc`. */
export function runtimeContainerId(id: string): string {
  const i = id.indexOf('://');
  return i >= 0 ? id.slice(i + 3) : id;
}

/**
 * Which container instance `kubectl logs` reads, from the pod's status (the kubelet's
 * validateContainerLogStatus): the previous one for `--previous`, else the running one, else
 * the last terminated; a waiting container has no log yet.
 */
export function containerIdForLogs(pod: KubeObject, container: string, previous: boolean): string {
  const podName = pod.metadata.name ?? '';
  const cs = statusOf(pod, container);
  if (!cs) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is not available`);
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) {
    if (!last?.containerID) throw new KubeletHttpError(400, `previous terminated container "${container}" in pod "${podName}" not found`);
    return last.containerID;
  }
  if (running && cs.containerID) return cs.containerID;
  if (terminated) {
    const id = terminated.containerID || last?.containerID;
    if (!id) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is terminated`);
    return id;
  }
  if (last) {
    if (!last.containerID) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is terminated`);
    return last.containerID;
  }
  if (waiting) {
    switch (waiting.reason) {
      case 'ErrImagePull':
        throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
      case 'ImagePullBackOff':
        throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
      default:
        throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: ${waiting.reason ?? ''}`);
    }
  }
  throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is in an unknown state`);
}

/** The running instance exec and attach talk to. */
export function runningContainerId(pod: KubeObject, container: string): string {
  const cs = statusOf(pod, container);
  if (!cs?.state?.running || !cs.containerID) throw new KubeletHttpError(500, `container not found ("${container}")`);
  return runtimeContainerId(cs.containerID);
}

/** The default authorizer: cluster admins, the API server's kubelet client and this node itself. */
export function defaultKubeletAuthorizer(nodeName: string): (user: KubeletUser) => boolean {
  return (user) =>
    user.groups.includes('system:masters') ||
    user.name === 'kube-apiserver-kubelet-client' ||
    user.name === 'system:kube-apiserver' ||
    user.name === `system:node:${nodeName}`;
}

export class KubeletServer implements Runnable {
  private server: http.Server | https.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly log: (msg: string) => void;
  private readonly backend: KubeletStreamingBackend;
  private readonly follows = new Set<AbortController>();

  constructor(private readonly options: KubeletServerOptions) {
    this.log = options.log ?? (() => {});
    this.backend = options.backend;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://${this.options.address ?? '127.0.0.1'}:${this.port}`;
  }

  /** Starts listening; resolves once the port is bound. */
  async listen(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((e) => this.writeError(res, e));
    };
    const tls = this.options.tls;
    const server = tls
      ? https.createServer({ cert: tls.cert, key: tls.key, ca: this.options.clientCA, requestCert: !!this.options.clientCA, rejectUnauthorized: false }, handler)
      : http.createServer(handler);
    server.requestTimeout = 0;
    server.keepAliveTimeout = 65_000;
    server.on('connection', (s: Socket) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    serveUpgrades(server, handler);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 10250, this.options.address ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const f of this.follows) f.abort();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** Runnable: serves until the signal aborts. */
  async start(signal: AbortSignal): Promise<void> {
    if (!this.server) await this.listen();
    if (signal.aborted) return this.close();
    await aborted(signal);
    await this.close();
  }

  private writeError(res: ServerResponse, e: unknown): void {
    const code = e instanceof KubeletHttpError ? e.code : 500;
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof KubeletHttpError)) this.log(`kubelet server: ${message}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = message + '\n';
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private async authenticate(req: IncomingMessage): Promise<KubeletUser | undefined> {
    const socket = req.socket as TLSSocket;
    if (this.options.clientCA && socket.authorized && typeof socket.getPeerCertificate === 'function') {
      const cert = socket.getPeerCertificate();
      const cn = cert?.subject?.CN;
      if (cn) {
        const o = cert.subject.O;
        const groups = Array.isArray(o) ? o : o ? [o] : [];
        return { name: Array.isArray(cn) ? cn[0] : cn, groups: [...groups, 'system:authenticated'] };
      }
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (m && this.options.authenticateToken) {
      const user = await this.options.authenticateToken(m[1]);
      if (user) return user;
    }
    if (this.options.allowAnonymous) return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
    return undefined;
  }

  /** The request path. Errors thrown below become plain-text answers. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    const method = req.method ?? 'GET';
    if (url.pathname === '/healthz' || url.pathname.startsWith('/healthz/')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const user = await this.authenticate(req);
    if (!user) {
      req.resume();
      throw new KubeletHttpError(401, 'Unauthorized');
    }
    const verb = method === 'GET' || method === 'HEAD' ? 'get' : method === 'POST' ? 'create' : method.toLowerCase();
    const subresource = parts[0] === 'containerLogs' || parts[0] === 'exec' || parts[0] === 'attach' || parts[0] === 'portForward' || parts[0] === 'run' || parts[0] === 'pods' ? 'proxy' : (parts[0] ?? '');
    const allowed = this.options.authorize ? this.options.authorize(user, verb, subresource) : user.name === 'system:anonymous' ? !!this.options.allowAnonymous : defaultKubeletAuthorizer(this.options.nodeName)(user);
    if (!allowed) {
      req.resume();
      throw new KubeletHttpError(403, `Forbidden (user=${user.name}, verb=${verb}, resource=nodes, subresource=${subresource})`);
    }
    switch (parts[0]) {
      case 'pods':
        if (parts.length === 1 && (method === 'GET' || method === 'HEAD')) return this.getPods(res);
        break;
      case 'containerLogs':
        if (parts.length === 4 && (method === 'GET' || method === 'HEAD')) return this.getContainerLogs(req, res, parts[1], parts[2], parts[3], url.searchParams);
        if (parts.length < 4) throw new KubeletHttpError(400, parts.length < 3 ? '{"message": "Missing podID."}' : '{"message": "Missing container name."}');
        break;
      case 'exec':
      case 'attach':
        if ((parts.length === 4 || parts.length === 5) && (method === 'GET' || method === 'POST')) {
          return this.serveRemoteCommand(parts[0], req, res, parts[1], parts[2], parts[parts.length === 5 ? 4 : 3], parts.length === 5 ? parts[3] : undefined, url.searchParams);
        }
        break;
      case 'portForward':
        if ((parts.length === 3 || parts.length === 4) && (method === 'GET' || method === 'POST')) return this.servePortForward(req, res, parts[1], parts[2], parts[3] as string | undefined);
        break;
      case 'run':
        if ((parts.length === 4 || parts.length === 5) && method === 'POST') return this.run(req, res, parts[1], parts[2], parts[parts.length === 5 ? 4 : 3], url.searchParams);
        break;
    }
    req.resume();
    throw new KubeletHttpError(404, '404 page not found');
  }

  private async pod(namespace: string, name: string, message = 'pod does not exist'): Promise<KubeObject> {
    const pod = await this.backend.getPod(namespace, name);
    if (!pod) throw new KubeletHttpError(404, message);
    return pod;
  }

  private async getPods(res: ServerResponse): Promise<void> {
    const items = (await this.backend.listPods?.()) ?? [];
    const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private async containerRef(pod: KubeObject, container: string, previous: boolean): Promise<ContainerRef> {
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    if (this.backend.podContainer) {
      const ref = await this.backend.podContainer(ns, name, container, { previous });
      if (!ref) throw new KubeletHttpError(400, `container "${container}" in pod "${name}" is not available`);
      return ref;
    }
    const id = runtimeContainerId(containerIdForLogs(pod, container, previous));
    const status = await this.backend.runtime.containerStatus(id).catch((e: Error) => {
      throw new KubeletHttpError(400, `failed to get container status "${id}": ${e.message}`);
    });
    if (!status) throw new KubeletHttpError(400, `failed to get container status "${id}": rpc error: code = NotFound desc = an error occurred when try to find container "${id}": not found`);
    return { containerId: id, logPath: status.logPath, podUid: pod.metadata.uid ?? '' };
  }

  private async getContainerLogs(req: IncomingMessage, res: ServerResponse, namespace: string, podName: string, container: string, query: URLSearchParams): Promise<void> {
    req.resume();
    const opts = parseLogOptions(query, Date.now());
    if ('error' in opts) throw new KubeletHttpError(opts.error.includes('Invalid request') ? 422 : 400, opts.error);
    const pod = await this.pod(namespace, podName, `pod "${podName}" does not exist`);
    if (!containerSpecNames(pod).includes(container)) throw new KubeletHttpError(404, `container "${container}" not found in pod "${podName}"`);
    const ref = await this.containerRef(pod, container, opts.previous);
    const abort = new AbortController();
    this.follows.add(abort);
    const onGone = () => abort.abort();
    res.on('close', onGone);
    let started = false;
    const begin = () => {
      if (started) return;
      started = true;
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
    };
    // Followers see the headers at once (kubectl waits for them before printing anything).
    if (opts.follow) begin();
    try {
      await readContainerLogs({
        path: ref.logPath,
        options: opts,
        signal: abort.signal,
        readRotated: this.options.readRotatedLogs !== false,
        write: (chunk) => {
          begin();
          if (res.destroyed) return Promise.resolve();
          if (res.write(chunk)) return Promise.resolve();
          return new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          });
        },
        isRunning: async () => (await this.backend.runtime.containerStatus(ref.containerId).catch(() => undefined))?.state === 'running',
      });
    } catch (e) {
      if (!started) throw new KubeletHttpError(400, (e as Error).message);
      this.log(`reading logs of ${namespace}/${podName}/${container}: ${(e as Error).message}`);
    } finally {
      this.follows.delete(abort);
      res.off('close', onGone);
    }
    begin();
    res.end();
  }

  private async serveRemoteCommand(kind: 'exec' | 'attach', req: IncomingMessage, res: ServerResponse, namespace: string, podName: string, container: string, uid: string | undefined, query: URLSearchParams): Promise<void> {
    const opts = streamOptionsOf(query);
    if ('error' in opts) throw new KubeletHttpError(400, opts.error);
    const pod = await this.pod(namespace, podName);
    if (uid && pod.metadata.uid !== uid) throw new KubeletHttpError(404, 'pod not found');
    const containerId = runningContainerId(pod, container);
    if (!isUpgradeRequest(req) || !canTakeUpgrade(req)) throw new KubeletHttpError(400, 'Upgrade request required');
    const command = query.getAll('command');
    const { socket, head } = takeUpgrade(req, res);
    const streams = await openRemoteStreams(req, socket, head, opts, this.log);
    if (!streams) return;
    const runtime = this.backend.runtime;
    await pumpSession(streams, () => (kind === 'exec' ? runtime.exec(containerId, command, opts) : runtime.attach(containerId, opts)), command);
  }

  private async servePortForward(req: IncomingMessage, res: ServerResponse, namespace: string, podName: string, uid?: string): Promise<void> {
    const pod = await this.pod(namespace, podName);
    if (uid && pod.metadata.uid !== uid) throw new KubeletHttpError(404, 'pod not found');
    const sandbox = await this.backend.podSandbox(namespace, podName);
    if (!sandbox) throw new KubeletHttpError(500, `pod not found ("${podName}")`);
    if (!isUpgradeRequest(req) || !canTakeUpgrade(req)) throw new KubeletHttpError(400, 'Upgrade request required');
    const { socket, head } = takeUpgrade(req, res);
    const runtime = this.backend.runtime;
    await servePortForward(req, socket, head, {
      log: this.log,
      dial: (port) => runtime.portForward(sandbox, port),
      // A CRI streaming server's error already says this (containerd's PortForward); say it once.
      describeError: (port, err) => (err.message.startsWith(`error forwarding port ${port} to pod `) ? err.message : `error forwarding port ${port} to pod ${sandbox}, uid : ${err.message}`),
    });
  }

  private async run(req: IncomingMessage, res: ServerResponse, namespace: string, podName: string, container: string, query: URLSearchParams): Promise<void> {
    req.resume();
    const pod = await this.pod(namespace, podName);
    const containerId = runningContainerId(pod, container);
    const cmd = (query.get('cmd') ?? '').split(' ');
    const result = await this.backend.runtime.execSync(containerId, cmd, 0).catch((e: Error) => {
      throw new KubeletHttpError(500, e.message);
    });
    const body = Buffer.concat([result.stdout, result.stderr]);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  }
}
