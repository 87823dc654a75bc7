// The subresources the API server serves by asking a node's kubelet: pods/log (a streamed
// GET), pods/exec, pods/attach and pods/portforward (connection upgrades, proxied byte for
// byte), and nodes/proxy. The checks before the kubelet is asked are kube-apiserver's
// (LogLocation, ExecLocation, PortForwardLocation): the pod exists, the container is one of
// its containers (or the only one), the pod is bound to a node; the kubelet's answers —
// `container "x" in pod "y" is waiting to start: ContainerCreating`, `previous terminated
// container … not found`, `unable to upgrade connection: …` — pass through to kubectl.

import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/object.js';
import { StatusError, Reason, badRequest } from '../../machinery/errors.js';
import type { HandlerContext, ResourceRequest } from '../handlers.js';
import type { Registry } from '../registry/registry.js';
import { KubeletClient, spliceSockets, upgradeRequestHead, type KubeletEndpoint } from '../streaming/kubelet-client.js';
import { canTakeUpgrade, isUpgradeRequest, takeUpgrade } from '../streaming/upgrade.js';

/** The label simulated (kwok-style) nodes carry: no kubelet runs for them. */
const simulatedLabel = 'kubelite.io/simulated';
/** How much of a kubelet's error answer is read (genericHttpResponseChecker's maxReadLength). */
const maxErrorBody = 50_000;

const clients = new WeakMap<Registry, KubeletClient>();
const fallbackClients = new WeakMap<Registry, KubeletClient>();

/** Sets the client the API server of `registry` uses to reach kubelets (its certificate, CA, address preferences). */
export function setKubeletClient(registry: Registry, client: KubeletClient): void {
  clients.set(registry, client);
}

function kubeletClientFor(registry: Registry): KubeletClient {
  let c = clients.get(registry) ?? fallbackClients.get(registry);
  if (!c) {
    c = new KubeletClient();
    fallbackClients.set(registry, c);
  }
  return c;
}

function flag(q: URLSearchParams, k: string): boolean {
  return ['true', '1'].includes((q.get(k) ?? '').toLowerCase());
}

interface PodShape {
  spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
}

/** kube-apiserver's validateContainer: the named container, or the only one. */
export function validateContainer(pod: KubeObject, container: string): string {
  const spec = (pod as PodShape).spec ?? {};
  const name = pod.metadata.name ?? '';
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (!container) {
    const containers = spec.containers ?? [];
    if (containers.length === 1) return containers[0].name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

async function kubeletOf(registry: Registry, nodeName: string): Promise<KubeletEndpoint> {
  const node = await registry.store('', 'nodes').get('', nodeName);
  if (node.metadata.labels?.[simulatedLabel] === 'true') {
    throw badRequest(`node "${nodeName}" is simulated (${simulatedLabel}=true): no kubelet runs there, so its pods have no logs, exec, attach or port-forward`);
  }
  return kubeletClientFor(registry).endpointOf(node);
}

/** kube-apiserver's GenericHttpResponseChecker: a kubelet's error answer as a Status. */
async function checkKubeletResponse(res: IncomingMessage, resource: string, name: string): Promise<void> {
  const code = res.statusCode ?? 500;
  if (code >= 200 && code <= 206) return;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    if (size < maxErrorBody) chunks.push(c);
    size += c.length;
  }
  const body = Buffer.concat(chunks).subarray(0, maxErrorBody).toString('utf8');
  if (code === 500) throw new StatusError(500, Reason.InternalError, `Internal error occurred: ${body}`, { causes: [{ reason: '', message: body }] });
  if (code === 400) throw new StatusError(400, Reason.BadRequest, body);
  const generic: Record<number, [string, string]> = {
    401: [Reason.Unauthorized, 'the server has asked for the client to provide credentials'],
    403: [Reason.Forbidden, 'the server does not allow access to the requested resource'],
    404: [Reason.NotFound, 'the server could not find the requested resource'],
    422: [Reason.Invalid, 'the server rejected our request due to an error in our request'],
    503: [Reason.ServiceUnavailable, 'the server is currently unable to handle the request'],
  };
  const [reason, message] = generic[code] ?? (code >= 500 ? [Reason.InternalError, `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`] : ['', `the server responded with the status code ${code} but did not return more information`]);
  throw new StatusError(code, reason, `${message} ( ${resource} ${name})`, { name, kind: resource });
}

/** The kubelet path for pods/log, with the options kube-apiserver passes on. */
export function containerLogsPath(namespace: string, pod: string, container: string, q: URLSearchParams): string {
  const params = new URLSearchParams();
  if (flag(q, 'follow')) params.set('follow', 'true');
  if (flag(q, 'previous')) params.set('previous', 'true');
  if (flag(q, 'timestamps')) params.set('timestamps', 'true');
  for (const k of ['sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes', 'stream']) {
    const v = q.get(k);
    if (v !== null && v !== '') params.set(k, v);
  }
  const qs = params.toString();
  return `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}${qs ? `?${qs}` : ''}`;
}

/** The kubelet path for exec/attach: booleans as `1`, each command word as a `command`. */
export function streamPath(kind: 'exec' | 'attach', namespace: string, pod: string, container: string, q: URLSearchParams): string {
  const params = new URLSearchParams();
  for (const k of ['stdin', 'stdout', 'stderr', 'tty']) if (flag(q, k)) params.set(k, '1');
  if (kind === 'exec') for (const c of q.getAll('command')) params.append('command', c);
  const qs = params.toString();
  return `/${kind}/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}${qs ? `?${qs}` : ''}`;
}

function invalidLogOptions(name: string, q: URLSearchParams): StatusError | undefined {
  const causes: { reason: string; message: string; field: string }[] = [];
  const num = (k: string) => (q.get(k) === null || q.get(k) === '' ? undefined : Number(q.get(k)));
  const tail = num('tailLines');
  const limit = num('limitBytes');
  const since = num('sinceSeconds');
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${q.get('tailLines')}: must be greater than or equal to 0`, field: 'tailLines' });
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${q.get('limitBytes')}: must be greater than 0`, field: 'limitBytes' });
  if (since !== undefined && (!Number.isInteger(since) || since < 1)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${q.get('sinceSeconds')}: must be greater than 0`, field: 'sinceSeconds' });
  if (since !== undefined && q.get('sinceTime')) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: '' });
  if (!causes.length) return undefined;
  const text = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
  return new StatusError(422, Reason.Invalid, `PodLogOptions "${name}" is invalid: ${causes.length > 1 ? `[${text}]` : text}`, { name, kind: 'PodLogOptions', causes });
}

async function servePodLog(r: ResourceRequest, registry: Registry, pod: KubeObject): Promise<void> {
  r.req.resume();
  const name = pod.metadata.name ?? '';
  const container = validateContainer(pod, r.query.get('container') ?? '');
  const invalid = invalidLogOptions(name, r.query);
  if (invalid) throw invalid;
  const nodeName = (pod as PodShape).spec?.nodeName;
  if (!nodeName) {
    // A pod not yet on a node has no log: an empty answer, as kube-apiserver gives.
    r.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
    r.res.end();
    return;
  }
  const ep = await kubeletOf(registry, nodeName);
  const call = kubeletClientFor(registry).request(ep, 'GET', containerLogsPath(r.info.namespace, name, container, r.query));
  const onClose = () => call.abort();
  r.res.on('close', onClose);
  let res: IncomingMessage;
  try {
    res = await call.response;
  } catch (e) {
    r.res.off('close', onClose);
    throw new StatusError(500, '', (e as Error).message.startsWith('dial') ? `Get "${ep.scheme}://${ep.host}:${ep.port}${containerLogsPath(r.info.namespace, name, container, r.query)}": ${(e as Error).message}` : (e as Error).message);
  }
  await checkKubeletResponse(res, 'pods/log', name);
  r.res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  r.res.flushHeaders();
  res.pipe(r.res);
  await new Promise<void>((resolve) => {
    res.on('end', resolve);
    res.on('close', resolve);
    r.res.on('close', resolve);
  });
  r.res.off('close', onClose);
}

/** Replays an upgrade request to the kubelet and splices the two connections. */
async function proxyUpgrade(r: ResourceRequest, registry: Registry, ep: KubeletEndpoint, path: string): Promise<void> {
  if (!isUpgradeRequest(r.req) || !canTakeUpgrade(r.req)) {
    r.req.resume();
    throw badRequest('Upgrade request required');
  }
  let backend;
  try {
    backend = await kubeletClientFor(registry).dial(ep);
  } catch (e) {
    throw new StatusError(500, '', `error dialing backend: ${(e as Error).message}`);
  }
  const { socket, head } = takeUpgrade(r.req, r.res);
  backend.write(upgradeRequestHead(r.req, ep, path));
  if (head.length) backend.write(head);
  spliceSockets(socket, backend);
}

async function servePodStream(r: ResourceRequest, registry: Registry, pod: KubeObject): Promise<void> {
  const name = pod.metadata.name ?? '';
  const sub = r.info.subresource;
  let path: string;
  const nodeName = (pod as PodShape).spec?.nodeName;
  if (sub === 'portforward') {
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const params = new URLSearchParams();
    const ports = r.query.getAll('ports').filter(Boolean);
    if (ports.length) params.set('ports', ports.join(','));
    path = `/portForward/${encodeURIComponent(r.info.namespace)}/${encodeURIComponent(name)}${params.size ? `?${params}` : ''}`;
  } else {
    const container = validateContainer(pod, r.query.get('container') ?? '');
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    path = streamPath(sub as 'exec' | 'attach', r.info.namespace, name, container, r.query);
  }
  const ep = await kubeletOf(registry, nodeName);
  await proxyUpgrade(r, registry, ep, path);
}

/** nodes/NAME/proxy/PATH: any request, passed to the node's kubelet. */
async function serveNodeProxy(r: ResourceRequest, registry: Registry): Promise<void> {
  const ep = await kubeletOf(registry, r.info.name);
  const qs = r.query.toString();
  const path = '/' + r.info.rest.map(encodeURIComponent).join('/') + (qs ? `?${qs}` : '');
  if (isUpgradeRequest(r.req)) return proxyUpgrade(r, registry, ep, path);
  const headers: Record<string, string> = {};
  for (const h of ['accept', 'content-type', 'content-length']) {
    const v = r.req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const hasBody = !['GET', 'HEAD'].includes(r.req.method ?? 'GET');
  if (!hasBody) r.req.resume();
  const call = kubeletClientFor(registry).request(ep, r.req.method ?? 'GET', path, headers, hasBody ? r.req : undefined);
  let res: IncomingMessage;
  try {
    res = await call.response;
  } catch (e) {
    throw new StatusError(503, Reason.ServiceUnavailable, `error trying to reach service: ${(e as Error).message}`);
  }
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !['connection', 'keep-alive', 'transfer-encoding'].includes(k)) out[k] = v;
  r.res.writeHead(res.statusCode ?? 502, out);
  res.pipe(r.res);
  r.res.on('close', () => call.abort());
}

/** The SubresourceHandler for pods/log|exec|attach|portforward and nodes/proxy. */
export async function handleNodeProxy(_ctx: HandlerContext, r: ResourceRequest, registry: Registry): Promise<void> {
  const sub = r.info.subresource;
  if (r.resource.plural === 'nodes' && sub === 'proxy') return serveNodeProxy(r, registry);
  if (r.resource.plural !== 'pods') {
    r.req.resume();
    throw new StatusError(404, Reason.NotFound, `the server could not find the requested resource`);
  }
  if (sub === 'log' && r.req.method !== 'GET' && r.req.method !== 'HEAD') {
    r.req.resume();
    throw new StatusError(405, Reason.MethodNotAllowed, 'the server does not allow this method on the requested resource');
  }
  const pod = await registry.store('', 'pods').get(r.info.namespace, r.info.name);
  if (sub === 'log') return servePodLog(r, registry, pod);
  return servePodStream(r, registry, pod);
}
