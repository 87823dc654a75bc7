// One probe run, as pkg/probe and the kubelet's prober do it: exec through the runtime (exit code
// 0 is success), TCP (a connection is success), HTTP GET (200–399 is success; redirects to
// the same host are followed; User-Agent kube-probe/1.32). Connections go to the pod IP, or
// through the runtime's port-forward when the pod IP cannot be reached from the node.

import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Clock } from '../../machinery/clock.js';
import { ExecTimeoutError, type ContainerRuntime } from '../runtime/interface.js';
import type { Container, HTTPGetAction, Pod, ProbeHandler } from '../types.js';

export type ProbeResult = 'success' | 'failure' | 'warning' | 'unknown';

export interface ProbeOutcome {
  result: ProbeResult;
  output: string;
}

/** Opens a TCP connection to host:port inside or toward the pod. */
export type Dialer = (host: string, port: number, timeoutMs: number) => Promise<Duplex>;

export const probeUserAgent = 'kube-probe/1.32';
const maxBody = 10 * 1024;

class DialError extends Error {}

/** A dialer over the host's network stack, with Go-like error texts. */
export function netDialer(clock: Clock): Dialer {
  return (host, port, timeoutMs) =>
    new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      const cancel = clock.setTimeout(() => {
        sock.destroy();
        reject(new DialError(`dial tcp ${host}:${port}: i/o timeout`));
      }, timeoutMs);
      sock.once('connect', () => {
        cancel();
        resolve(sock);
      });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        cancel();
        const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.code === 'EHOSTUNREACH' ? 'connect: no route to host' : e.message;
        reject(new DialError(`dial tcp ${host}:${port}: ${why}`));
      });
    });
}

/** A dialer through the runtime's port-forward into the pod's sandbox (host is ignored). */
export function portForwardDialer(runtime: ContainerRuntime, sandboxId: () => string | undefined): Dialer {
  return async (host, port) => {
    const id = sandboxId();
    if (!id) throw new DialError(`dial tcp ${host}:${port}: connect: no route to host`);
    try {
      return await runtime.portForward(id, port);
    } catch {
      throw new DialError(`dial tcp ${host}:${port}: connect: connection refused`);
    }
  };
}

/** A port number, or a named container port. */
export function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports?.find((x) => x.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${JSON.stringify(c.ports ?? [])}`);
  return p.containerPort;
}

function withTimeout<T>(clock: Clock, p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const cancel = clock.setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        cancel();
        resolve(v);
      },
      (e) => {
        cancel();
        reject(e);
      },
    );
  });
}

interface HttpResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A single HTTP/1.1 request over a stream; resolves at the end of the headers plus what body arrived (≤ 10 KiB). */
function httpRequest(conn: Duplex, host: string, path: string, headers: [string, string][]): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let head: { status: number; headers: Map<string, string>; bodyStart: number } | undefined;
    const finish = () => {
      if (!head) return reject(new Error('EOF'));
      conn.destroy();
      resolve({ status: head.status, headers: head.headers, body: buf.subarray(head.bodyStart, head.bodyStart + maxBody).toString('utf8') });
    };
    conn.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const m = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0]);
        if (!m) return reject(new Error(`malformed HTTP response "${lines[0]}"`));
        const hs = new Map<string, string>();
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          if (i > 0) hs.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
        }
        head = { status: Number(m[1]), headers: hs, bodyStart: end + 4 };
      }
      const len = Number(head.headers.get('content-length') ?? NaN);
      if (buf.length - head.bodyStart >= Math.min(Number.isNaN(len) ? maxBody : len, maxBody)) finish();
    });
    conn.on('end', finish);
    conn.on('close', () => (head ? finish() : reject(new Error('EOF'))));
    conn.on('error', (e) => reject(e));
    const hasHost = headers.some(([k]) => k.toLowerCase() === 'host');
    let req = `GET ${path} HTTP/1.1\r\n`;
    if (!hasHost) req += `Host: ${host}\r\n`;
    const set = new Set(headers.map(([k]) => k.toLowerCase()));
    if (!set.has('user-agent')) req += `User-Agent: ${probeUserAgent}\r\n`;
    if (!set.has('accept')) req += `Accept: */*\r\n`;
    for (const [k, v] of headers) req += `${k}: ${v}\r\n`;
    req += 'Connection: close\r\n\r\n';
    conn.write(req);
  });
}

export interface ProberDeps {
  runtime: ContainerRuntime;
  clock: Clock;
  dial: Dialer;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function runHttpGet(deps: ProberDeps, action: HTTPGetAction, podIP: string, c: Container, timeoutMs: number): Promise<ProbeOutcome> {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const host = action.host || podIP;
  const port = resolvePort(action.port, c);
  let path = action.path ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const headers: [string, string][] = (action.httpHeaders ?? []).map((h) => [h.name, h.value]);
  let url = `${scheme}://${formatHost(host)}:${port}${path}`;
  const deadline = deps.clock.now() + timeoutMs;
  try {
    for (let redirects = 0; ; redirects++) {
      const remaining = Math.max(1, deadline - deps.clock.now());
      const attempt = (async () => {
        let conn = await deps.dial(host, port, remaining);
        if (scheme === 'https') conn = tlsConnect({ socket: conn, rejectUnauthorized: false, servername: host });
        return httpRequest(conn, `${formatHost(host)}:${port}`, path, headers);
      })();
      const res = await withTimeout(deps.clock, attempt, remaining, () => new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`));
      if (res.status >= 300 && res.status < 400 && res.headers.has('location') && redirects < 10) {
        const loc = new URL(res.headers.get('location')!, url);
        if (loc.hostname.replace(/^\[|\]$/g, '') !== host || Number(loc.port || (loc.protocol === 'https:' ? 443 : 80)) !== port) {
          return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
        }
        path = `${loc.pathname}${loc.search}`;
        url = loc.toString();
        continue;
      }
      if (res.status >= 200 && res.status < 400) return { result: 'success', output: res.body };
      return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
    }
  } catch (e) {
    const msg = (e as Error).message;
    if (msg.startsWith('Get "')) return { result: 'failure', output: msg };
    return { result: 'failure', output: `Get "${url}": ${msg}` };
  }
}

export async function runTcp(deps: ProberDeps, host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  try {
    const conn = await withTimeout(deps.clock, deps.dial(host, port, timeoutMs), timeoutMs, () => new Error(`dial tcp ${formatHost(host)}:${port}: i/o timeout`));
    conn.destroy();
    return { result: 'success', output: '' };
  } catch (e) {
    return { result: 'failure', output: (e as Error).message };
  }
}

export async function runExec(deps: ProberDeps, containerId: string, command: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  try {
    const r = await deps.runtime.execSync(containerId, command, timeoutSeconds);
    const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
    return { result: r.exitCode === 0 ? 'success' : 'failure', output };
  } catch (e) {
    if (e instanceof ExecTimeoutError || (e as Error).name === 'ExecTimeoutError') return { result: 'failure', output: `command "${command.join(' ')}" timed out` };
    return { result: 'unknown', output: (e as Error).message };
  }
}

/** Runs one handler (probe or lifecycle hook) against a container. */
export async function runHandler(deps: ProberDeps, handler: ProbeHandler, pod: Pod, c: Container, containerId: string, podIP: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const timeoutMs = Math.max(1, timeoutSeconds) * 1000;
  if (handler.exec) return runExec(deps, containerId, handler.exec.command ?? [], timeoutSeconds);
  if (handler.httpGet) {
    try {
      return await runHttpGet(deps, handler.httpGet, podIP, c, timeoutMs);
    } catch (e) {
      return { result: 'unknown', output: (e as Error).message };
    }
  }
  if (handler.tcpSocket) {
    let port: number;
    try {
      port = resolvePort(handler.tcpSocket.port, c);
    } catch (e) {
      return { result: 'unknown', output: (e as Error).message };
    }
    return runTcp(deps, handler.tcpSocket.host || podIP, port, timeoutMs);
  }
  if (handler.grpc) return { result: 'unknown', output: `gRPC probes are not supported by this kubelet (pod ${pod.metadata.name})` };
  return { result: 'unknown', output: 'missing probe handler' };
}
