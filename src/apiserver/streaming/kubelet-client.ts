// The API server's client of node kubelets: where a node's kubelet listens (its addresses and
// daemonEndpoints port), the client certificate it presents (`kube-apiserver-kubelet-client`
// in `system:masters`, issued from the cluster CA into pki/), plain requests (logs,
// nodes/proxy) and the upgrade-aware proxy for exec, attach and port-forward: the request is
// replayed to the kubelet and, once it answers, bytes flow untouched both ways — so the
// WebSocket, SPDY and tunnelled-SPDY protocols all pass through unchanged.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { KubeObject } from '../../api/object.js';
import { issueCertificate } from '../certs.js';

export interface KubeletEndpoint {
  host: string;
  port: number;
  scheme: 'https' | 'http';
}

export interface KubeletClientOptions {
  /** Client certificate and key the API server presents to kubelets. */
  cert?: string;
  key?: string;
  /** Verify kubelet serving certificates against this CA (default: not verified, as kube-apiserver without --kubelet-certificate-authority). */
  ca?: string;
  /** Node address types in order of preference (kube-apiserver --kubelet-preferred-address-types). */
  preferredAddressTypes?: string[];
  /** Kubelets that speak plain HTTP (tests). */
  scheme?: 'https' | 'http';
  /** How long a dial may take (default 10 s). */
  dialTimeoutMs?: number;
}

export const defaultKubeletPort = 10250;
const defaultAddressTypes = ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'];

/** Loads the API server's kubelet client certificate from pkiDir, issuing it from the CA the first time. */
export async function ensureKubeletClientCertificate(pkiDir: string, caCertPem: string, caKeyPem: string): Promise<{ cert: string; key: string }> {
  const certPath = join(pkiDir, 'apiserver-kubelet-client.crt');
  const keyPath = join(pkiDir, 'apiserver-kubelet-client.key');
  if (existsSync(certPath) && existsSync(keyPath)) return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  const leaf = await issueCertificate(caCertPem, caKeyPem, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  writeFileSync(keyPath, leaf.key, { mode: 0o600 });
  writeFileSync(certPath, leaf.cert);
  return leaf;
}

/** Addresses of this machine: a kubelet on one of them is reached on loopback. */
function localAddresses(): Set<string> {
  const out = new Set<string>(['127.0.0.1', '::1', 'localhost']);
  for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) out.add(a.address);
  return out;
}

/** Turns a Node dial error into Go's wording, which users know from kube-apiserver. */
export function dialErrorText(host: string, port: number, e: NodeJS.ErrnoException): string {
  const addr = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${addr}: connect: network is unreachable`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${host}: no such host`;
    default:
      return `dial tcp ${addr}: ${e.message}`;
  }
}

export class KubeletClient {
  private readonly agent: http.Agent;
  private readonly scheme: 'https' | 'http';

  constructor(private readonly options: KubeletClientOptions = {}) {
    this.scheme = options.scheme ?? 'https';
    this.agent =
      this.scheme === 'https'
        ? new https.Agent({ keepAlive: true, maxSockets: 64, ...this.tlsOptions() })
        : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  close(): void {
    this.agent.destroy();
  }

  private tlsOptions(): tls.ConnectionOptions {
    return {
      cert: this.options.cert,
      key: this.options.key,
      ca: this.options.ca,
      rejectUnauthorized: !!this.options.ca,
      // Kubelets are dialled by address, often a loopback stand-in: check the chain, not the name.
      checkServerIdentity: () => undefined,
    };
  }

  /** Where the node's kubelet listens. */
  endpointOf(node: KubeObject): KubeletEndpoint {
    const status = (node.status ?? {}) as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
    const port = status.daemonEndpoints?.kubeletEndpoint?.Port || defaultKubeletPort;
    const addresses = status.addresses ?? [];
    let host: string | undefined;
    for (const t of this.options.preferredAddressTypes ?? defaultAddressTypes) {
      host = addresses.find((a) => a.type === t && a.address)?.address;
      if (host) break;
    }
    host ??= node.metadata.name ?? '';
    if (localAddresses().has(host)) host = '127.0.0.1';
    return { host, port, scheme: this.scheme };
  }

  /** A plain request to a kubelet; resolves with its response (body unread). */
  request(ep: KubeletEndpoint, method: string, path: string, headers: OutgoingHttpHeaders = {}, body?: NodeJS.ReadableStream): { response: Promise<IncomingMessage>; abort(): void } {
    const mod = ep.scheme === 'https' ? https : http;
    const req = mod.request({ host: ep.host, port: ep.port, method, path, headers, agent: this.agent, timeout: this.options.dialTimeoutMs ?? 10_000 });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', (res) => {
        req.setTimeout(0);
        resolve(res);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(Object.assign(new Error(dialErrorText(ep.host, ep.port, e)), { code: e.code })));
    });
    if (body) body.pipe(req);
    else req.end();
    return { response, abort: () => req.destroy() };
  }

  /** Opens a connection to the kubelet (TLS unless it speaks HTTP). */
  dial(ep: KubeletEndpoint): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(dialErrorText(ep.host, ep.port, e)));
      };
      const socket =
        ep.scheme === 'https'
          ? tls.connect({ host: ep.host, port: ep.port, ...this.tlsOptions(), ALPNProtocols: ['http/1.1'] }, () => {
              clearTimeout(timer);
              socket.off('error', onError);
              resolve(socket);
            })
          : net.connect({ host: ep.host, port: ep.port }, () => {
              clearTimeout(timer);
              socket.off('error', onError);
              resolve(socket);
            });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(dialErrorText(ep.host, ep.port, Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))));
      }, this.options.dialTimeoutMs ?? 10_000);
      socket.once('error', onError);
    });
  }
}

/** Headers an upgrade request carries on to the kubelet (never the caller's credentials). */
const forwardedUpgradeHeaders = ['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'x-stream-protocol-version', 'user-agent', 'origin', 'content-length', 'content-type'];

/** The request line and headers replayed to the kubelet for an upgrade. */
export function upgradeRequestHead(req: IncomingMessage, ep: KubeletEndpoint, path: string): Buffer {
  const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${ep.host.includes(':') ? `[${ep.host}]` : ep.host}:${ep.port}`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (forwardedUpgradeHeaders.includes(raw[i].toLowerCase())) lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n');
}

/** Splices two connections: bytes flow both ways until either side ends. */
export function spliceSockets(a: Duplex, b: Duplex): void {
  const closeBoth = () => {
    a.destroy();
    b.destroy();
  };
  a.pipe(b);
  b.pipe(a);
  a.on('error', closeBoth);
  b.on('error', closeBoth);
  a.on('close', () => b.end());
  b.on('close', () => a.end());
}
