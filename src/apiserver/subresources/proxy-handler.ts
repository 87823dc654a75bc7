// The API server's reverse proxy for pods/NAME/proxy and services/NAME/proxy, in the manner
// of apimachinery's UpgradeAwareHandler: any method, the body streamed both ways, the query
// passed on; `…/proxy` without a trailing slash redirected to `…/proxy/` for GET and HEAD;
// the caller's credentials (Authorization, Impersonate-*) never forwarded; X-Forwarded-For
// and X-Forwarded-Uri added; CORS headers of the backend dropped; redirects and HTML links
// rewritten under the proxy prefix (proxy-rewrite.ts). Connection upgrades (WebSocket, SPDY)
// are replayed to the backend and, once it switches protocols, spliced byte for byte.

import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { StatusError, Reason } from '../../machinery/errors.js';
import type { ResourceRequest } from '../handlers.js';
import { dialErrorText, spliceSockets } from '../streaming/kubelet-client.js';
import { canTakeUpgrade, isUpgradeRequest, takeUpgrade } from '../streaming/upgrade.js';
import type { ProxyTarget } from './proxy-location.js';
import { rewriteHtml, rewriteProxiedUrl, type RewriteContext } from './proxy-rewrite.js';

/** kube-apiserver's proxy dialer timeout. */
const dialTimeoutMs = 30_000;
/** How long a refused upgrade's answer may take to pass to the client. */
const refusedUpgradeDeadlineMs = 10_000;
/** HTML beyond this size passes unrewritten rather than being held in memory. */
const maxRewrittenHtmlBytes = 16 << 20;

const hopByHopHeaders = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const corsHeaders = new Set(['access-control-allow-credentials', 'access-control-allow-headers', 'access-control-allow-methods', 'access-control-allow-origin']);
const dialErrorCodes = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  // kube-apiserver's proxy transport does not verify backends' certificates.
  https: new https.Agent({ keepAlive: true, maxSockets: 256, rejectUnauthorized: false }),
};

/** The proxy prefix (`/api/v1/namespaces/NS/pods/NAME/proxy`), the backend path and the raw query, from the request as sent. */
export interface ProxyPaths {
  prefix: string;
  /** '' when the request named only the prefix; otherwise starts with '/'. */
  backendPath: string;
  /** '' or `?…` */
  query: string;
}

export function proxyPathsOf(r: Pick<ResourceRequest, 'info'> & { req: { url?: string } }): ProxyPaths {
  const url = r.req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  const info = r.info;
  // api|apis, [group], version, [namespaces, NS], resource, name, proxy
  const segments = 1 + (info.apiPrefix === 'apis' ? 1 : 0) + 1 + (info.namespace ? 2 : 0) + 3;
  let end = 0;
  for (let seen = 0; seen < segments; seen++) {
    let start = end;
    while (start < path.length && path[start] === '/') start++;
    if (start >= path.length) break;
    const stop = path.indexOf('/', start);
    end = stop < 0 ? path.length : stop;
  }
  return { prefix: path.slice(0, end), backendPath: path.slice(end), query: query === '?' ? '' : query };
}

function clientAddress(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** The request headers passed to the backend, as a raw [name, value, …] list. */
function forwardedHeaders(req: IncomingMessage, upgrade: boolean, extra: Record<string, string>): string[] {
  const named = String(req.headers.connection ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t && t !== 'upgrade');
  const out: string[] = [];
  let forwardedFor = '';
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    if (k === 'authorization' || k.startsWith('impersonate-')) continue;
    if (k === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1];
      continue;
    }
    if (!upgrade && (hopByHopHeaders.has(k) || named.includes(k))) continue;
    out.push(raw[i], raw[i + 1]);
  }
  const client = clientAddress(req);
  out.push('X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${client}` : client);
  for (const [k, v] of Object.entries(extra)) out.push(k, v);
  return out;
}

function hostPort(t: ProxyTarget): string {
  return `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/** Go's wording for a failed round trip to the backend. */
function transportErrorText(t: ProxyTarget, e: NodeJS.ErrnoException): string {
  if (e.code && dialErrorCodes.has(e.code)) return dialErrorText(t.host, t.port, e);
  if (e.message === 'socket hang up') return 'EOF';
  return e.message;
}

/** Proxies the request `r` to `target`; errors before the backend answers are thrown as Status errors. */
export async function serveProxy(r: ResourceRequest, target: ProxyTarget): Promise<void> {
  const paths = proxyPathsOf(r);
  if (isUpgradeRequest(r.req) && canTakeUpgrade(r.req)) return proxyUpgrade(r, target, paths);
  const method = r.req.method ?? 'GET';
  if (paths.backendPath === '' && (method === 'GET' || method === 'HEAD')) {
    // Relative links of the page only resolve under a trailing slash (kubernetes#4958).
    r.req.resume();
    r.res.writeHead(301, { Location: `${paths.prefix}/${paths.query}`, 'Content-Length': 0 });
    r.res.end();
    return;
  }
  const backendPath = paths.backendPath || '/';
  const headers = forwardedHeaders(r.req, false, { 'X-Forwarded-Uri': paths.prefix + backendPath });
  if (!r.req.headers.host) headers.unshift('Host', hostPort(target));
  const mod = target.scheme === 'https' ? https : http;
  const out = mod.request({ host: target.host, port: target.port, method, path: backendPath + paths.query, headers, agent: agents[target.scheme], setHost: false });
  out.on('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => out.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), dialTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
  const onClientGone = () => out.destroy();
  r.res.on('close', onClientGone);
  r.req.pipe(out);
  let res: IncomingMessage;
  try {
    res = await new Promise<IncomingMessage>((resolve, reject) => {
      out.on('response', resolve);
      out.on('error', reject);
    });
  } catch (e) {
    r.res.off('close', onClientGone);
    r.req.unpipe(out);
    r.req.resume();
    throw new StatusError(503, Reason.ServiceUnavailable, `error trying to reach service: ${transportErrorText(target, e as NodeJS.ErrnoException)}`);
  }
  const ctx: RewriteContext = { prefix: paths.prefix, backendHost: hostPort(target), requestHost: r.req.headers.host ?? '' };
  const responseHeaders = backendResponseHeaders(res, ctx);
  const status = res.statusCode ?? 502;
  let alreadyRead: Buffer[] = [];
  if (shouldRewriteHtml(res, method, status)) {
    const html = await rewrittenHtmlBody(res, ctx);
    if ('body' in html) {
      setHeader(responseHeaders, 'Content-Length', String(html.body.length));
      r.res.writeHead(status, res.statusMessage, responseHeaders);
      r.res.end(html.body);
      r.res.off('close', onClientGone);
      return;
    }
    if ('failed' in html) {
      r.res.off('close', onClientGone);
      r.res.destroy();
      return;
    }
    alreadyRead = html.unread;
  }
  r.res.writeHead(status, res.statusMessage, responseHeaders);
  r.res.flushHeaders();
  for (const c of alreadyRead) r.res.write(c);
  res.on('error', () => r.res.destroy());
  res.on('aborted', () => r.res.destroy());
  res.pipe(r.res);
  await new Promise<void>((resolve) => {
    r.res.on('close', resolve);
    r.res.on('finish', resolve);
  });
  r.res.off('close', onClientGone);
}

function setHeader(flat: string[], name: string, value: string): void {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i].toLowerCase() === name.toLowerCase()) {
      flat.splice(i, 2);
      i -= 2;
    }
  }
  flat.push(name, value);
}

/** The backend's response headers as passed on: no hop-by-hop or CORS headers, Location rewritten. */
function backendResponseHeaders(res: IncomingMessage, ctx: RewriteContext): string[] {
  const named = String(res.headers.connection ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase());
  const out: string[] = [];
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    if (hopByHopHeaders.has(k) || named.includes(k) || corsHeaders.has(k)) continue;
    out.push(raw[i], k === 'location' ? rewriteProxiedUrl(raw[i + 1], ctx) : raw[i + 1]);
  }
  return out;
}

function shouldRewriteHtml(res: IncomingMessage, method: string, status: number): boolean {
  if (res.headers.location) return false; // a redirect: only its Location is rewritten
  if (method === 'HEAD' || status === 204 || status === 304) return false;
  const type = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'text/html') return false;
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (!['', 'gzip', 'deflate'].includes(encoding)) return false;
  const length = Number(res.headers['content-length'] ?? 0);
  return !(length > maxRewrittenHtmlBytes);
}

/**
 * Reads, decodes, rewrites and re-encodes an HTML body. A body too large to hold comes back
 * as the chunks read so far (`unread`: still to be sent, the rest of `res` following).
 */
async function rewrittenHtmlBody(res: IncomingMessage, ctx: RewriteContext): Promise<{ body: Buffer } | { unread: Buffer[] } | { failed: true }> {
  const read = await new Promise<{ whole: Buffer } | { unread: Buffer[] } | { failed: true }>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      res.off('data', onData);
      res.off('end', onEnd);
    };
    const onData = (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size <= maxRewrittenHtmlBytes) return;
      res.pause();
      stop();
      resolve({ unread: chunks });
    };
    const onEnd = () => {
      stop();
      resolve({ whole: Buffer.concat(chunks) });
    };
    res.on('data', onData);
    res.on('end', onEnd);
    res.once('error', () => {
      stop();
      resolve({ failed: true });
    });
  });
  if (!('whole' in read)) return read;
  const raw = read.whole;
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  try {
    const text = (encoding === 'gzip' ? zlib.gunzipSync(raw) : encoding === 'deflate' ? zlib.inflateSync(raw) : raw).toString('utf8');
    const html = Buffer.from(rewriteHtml(text, (u) => rewriteProxiedUrl(u, ctx)), 'utf8');
    return { body: encoding === 'gzip' ? zlib.gzipSync(html) : encoding === 'deflate' ? zlib.deflateSync(html) : html };
  } catch {
    // A body that does not decode passes unchanged.
    return { body: raw };
  }
}

function dialTarget(t: ProxyTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(dialErrorText(t.host, t.port, e)));
    };
    const ready = () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    };
    const socket: net.Socket =
      t.scheme === 'https'
        ? tls.connect({ host: t.host, port: t.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], servername: net.isIP(t.host) ? undefined : t.host }, ready)
        : net.connect({ host: t.host, port: t.port }, ready);
    const timer = setTimeout(() => fail(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), dialTimeoutMs);
    socket.once('error', fail);
  });
}

/** Reads an HTTP response head off a connection; resolves with its status and every byte read. */
function readResponseHead(conn: Duplex): Promise<{ status: number; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (e?: Error, status?: number) => {
      conn.pause();
      conn.off('data', onData);
      conn.off('end', onEnd);
      conn.off('error', onEnd);
      if (e) reject(e);
      else resolve({ status: status!, raw: buf });
    };
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 1 << 20) done(new Error('net/http: response header too large'));
        return;
      }
      const line = buf.subarray(0, buf.indexOf('\r\n')).toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(line);
      if (!m) return done(new Error(`malformed HTTP response ${JSON.stringify(line)}`));
      done(undefined, Number(m[1]));
    };
    const onEnd = () => done(new Error(buf.length ? 'unexpected EOF' : 'EOF'));
    conn.on('data', onData);
    conn.once('end', onEnd);
    conn.once('error', onEnd);
  });
}

/** tryUpgrade: the upgrade request replayed to the backend; its 101 (or error) passed back and the connections spliced. */
async function proxyUpgrade(r: ResourceRequest, target: ProxyTarget, paths: ProxyPaths): Promise<void> {
  let backend: Duplex;
  try {
    backend = await dialTarget(target);
  } catch (e) {
    throw new StatusError(500, '', `error dialing backend: ${(e as Error).message}`);
  }
  const headers = forwardedHeaders(r.req, true, {});
  const lines = [`${r.req.method ?? 'GET'} ${(paths.backendPath || '/') + paths.query} HTTP/1.1`];
  if (!r.req.headers.host) lines.push(`Host: ${hostPort(target)}`);
  for (let i = 0; i < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  backend.write(lines.join('\r\n') + '\r\n\r\n');
  const onClientGone = () => backend.destroy();
  r.res.on('close', onClientGone);
  let answer: { status: number; raw: Buffer };
  try {
    answer = await readResponseHead(backend);
  } catch (e) {
    backend.destroy();
    throw new StatusError(500, '', (e as Error).message);
  } finally {
    r.res.off('close', onClientGone);
  }
  if (answer.status !== 101 && answer.status < 400) {
    backend.destroy();
    throw new StatusError(500, '', `invalid upgrade response: status code ${answer.status}`);
  }
  const { socket, head } = takeUpgrade(r.req, r.res);
  socket.write(answer.raw);
  if (answer.status !== 101) {
    // The backend refused: its answer goes to the client as it is, then both close.
    const deadline = setTimeout(() => backend.destroy(), refusedUpgradeDeadlineMs);
    backend.on('close', () => {
      clearTimeout(deadline);
      socket.end();
    });
    backend.on('error', () => backend.destroy());
    backend.pipe(socket, { end: false });
    return;
  }
  if (head.length) backend.write(head);
  spliceSockets(socket, backend);
}
