// The API server: HTTPS in front of the registry. One request path for everything —
// authenticate, authorize, route (non-resource paths, discovery, OpenAPI, resources and their
// subresources), and one place that turns errors into Status responses.

import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { Scheme, type ResourceType } from '../api/scheme.js';
import { serveUpgrades } from './streaming/upgrade.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { StatusError, Reason, forbidden, methodNotAllowed } from '../machinery/errors.js';
import type { Storage } from '../storage/interface.js';
import { alwaysAllow } from './auth/always-allow.js';
import type { Authenticator, Authorizer, UserInfo } from './auth/types.js';
import { Discovery, type DiscoveryDoc } from './discovery.js';
import { handleResource, handleStatus, type HandlerContext, type ResourceRequest } from './handlers.js';
import { parseMediaTypes } from './negotiate.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { writeError, writeObject, writeRaw } from './respond.js';
import { versionInfo } from './version.js';
import { Registry, type RegistryOptions } from './registry/registry.js';
import { subresourceHandler } from './subresources/index.js';

export interface ApiServerOptions {
  storage: Storage;
  clock?: Clock;
  authenticator: Authenticator;
  authorizer?: Authorizer;
  /** PEM material; without it the server speaks plain HTTP (in-process tests only). */
  tls?: { cert: string; key: string; ca?: string };
  host?: string;
  port?: number;
  log?: (msg: string) => void;
  registry?: Partial<RegistryOptions>;
}

/** Paths anyone may read, so load balancers and `kubectl version` work before login. */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version', '/healthz/ping', '/livez/ping', '/readyz/ping']);

export class ApiServer {
  readonly scheme: Scheme;
  readonly registry: Registry;
  readonly clock: Clock;
  private server: http.Server | https.Server | undefined;
  private sockets = new Set<Socket>();
  private discovery: Discovery;
  private handlerContext: HandlerContext;
  private address = '127.0.0.1:6443';
  private readonly log: (msg: string) => void;
  private ready = false;

  constructor(private readonly options: ApiServerOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? ((m) => console.error(m));
    this.scheme = new Scheme();
    this.registry = new Registry(this.scheme, { storage: options.storage, clock: this.clock, log: this.log, ...options.registry });
    this.discovery = new Discovery(this.scheme, () => this.address);
    this.handlerContext = this.registry.handlerContext();
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://${this.address}`;
  }

  async start(): Promise<void> {
    const trace = process.env.KUBELITE_TRACE_HTTP === '1';
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      if (trace) {
        const started = performance.now();
        res.on('finish', () => this.log(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''} -> ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`));
      }
      this.handle(req, res).catch((e) => writeError(res, e, this.log));
    };
    const tls = this.options.tls;
    this.server = tls
      ? https.createServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: !!tls.ca, rejectUnauthorized: false }, handler)
      : http.createServer(handler);
    // exec, attach and port-forward arrive as connection upgrades: same request path.
    serveUpgrades(this.server, handler);
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 70_000;
    this.server.requestTimeout = 0; // watches and exec streams last
    this.server.on('connection', (s: Socket) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 6443, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    this.address = `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    await this.registry.start();
    this.ready = true;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.registry.stop();
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** The request path. Every error thrown below becomes a Status. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
    const method = req.method ?? 'GET';
    if (publicPaths.has(pathname) || pathname.startsWith('/livez/') || pathname.startsWith('/readyz/') || pathname.startsWith('/healthz/')) {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
      return this.handlePublic(pathname, url.searchParams, res);
    }
    const user = await this.options.authenticator.authenticate(req);
    if (!user) {
      req.resume();
      throw new StatusError(401, Reason.Unauthorized, 'Unauthorized');
    }
    const info = parseRequestInfo(method, pathname, url.searchParams);
    const decision = await (this.options.authorizer ?? alwaysAllow).authorize(user, info);
    if (!decision.allowed) {
      req.resume();
      throw this.forbiddenError(user, info, decision.reason);
    }
    if (!info.isResourceRequest) return this.handleNonResource(req, res, pathname, url.searchParams);
    return this.handleResourceRequest(req, res, info, url.searchParams, user);
  }

  private forbiddenError(user: UserInfo, info: RequestInfo, reason?: string): StatusError {
    if (!info.isResourceRequest) {
      return new StatusError(403, Reason.Forbidden, `forbidden: User "${user.name}" cannot ${info.verb} path "${info.path}"${reason ? `: ${reason}` : ''}`);
    }
    const scope = info.namespace ? ` in the namespace "${info.namespace}"` : ' at the cluster scope';
    const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    return forbidden(
      { group: info.group, resource: info.resource },
      info.name,
      `User "${user.name}" cannot ${info.verb} resource "${res}" in API group "${info.group}"${scope}${reason ? `: ${reason}` : ''}`,
    );
  }

  private handlePublic(pathname: string, query: URLSearchParams, res: ServerResponse): void {
    if (pathname === '/version') return writeObject(res, 200, versionInfo());
    if (!this.ready && pathname.startsWith('/readyz')) return writeRaw(res, 500, '[-]informer-sync failed: not ready\nreadyz check failed', 'text/plain; charset=utf-8');
    const kind = pathname.split('/')[1];
    if (query.has('verbose')) {
      const checks = ['ping', 'log', 'etcd', 'poststarthook/start-apiextensions-controllers', 'poststarthook/crd-informer-synced'];
      const body = checks.map((c) => `[+]${c} ok`).join('\n') + `\n${kind} check passed\n`;
      return writeRaw(res, 200, body, 'text/plain; charset=utf-8');
    }
    writeRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
  }

  private writeDiscovery(req: IncomingMessage, res: ServerResponse, doc: DiscoveryDoc | undefined, contentType = 'application/json'): void {
    if (!doc) throw new StatusError(404, Reason.NotFound, 'the server could not find the requested resource');
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304, { ETag: doc.etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(doc.body), ETag: doc.etag, 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
    res.end(doc.body);
  }

  private aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
    for (const t of parseMediaTypes(accept)) {
      if (t.type === 'application/json' && t.params['g'] === 'apidiscovery.k8s.io' && t.params['as'] === 'APIGroupDiscoveryList') {
        if (t.params['v'] === 'v2' || t.params['v'] === 'v2beta1') return t.params['v'];
      }
      if (t.type === 'application/json' && !t.params['as']) return undefined;
    }
    return undefined;
  }

  private async handleNonResource(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    if (pathname.startsWith('/openapi/')) {
      const answer = this.registry.openapi().handle(pathname + (query.toString() ? `?${query}` : ''), req.headers.accept, req.headers['if-none-match']);
      if (!answer) throw new StatusError(404, Reason.NotFound, 'the server could not find the requested resource');
      const headers: Record<string, string | number> = { 'Content-Type': answer.contentType, 'Content-Length': answer.body.length, 'Cache-Control': 'no-cache, private', ...answer.headers };
      if (answer.etag) headers.ETag = answer.etag;
      res.writeHead(answer.status, headers);
      res.end(answer.status === 304 ? undefined : answer.body);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    const parts = pathname.split('/').filter(Boolean);
    if (pathname === '/api' || pathname === '/apis') {
      const agg = this.aggregatedVersion(req.headers.accept);
      if (agg) {
        return this.writeDiscovery(req, res, this.discovery.aggregated(pathname === '/api', agg), `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList`);
      }
      return this.writeDiscovery(req, res, pathname === '/api' ? this.discovery.apiVersions() : this.discovery.apiGroupList());
    }
    if (parts[0] === 'api' && parts.length === 2) return this.writeDiscovery(req, res, this.discovery.resourceList('', parts[1]));
    if (parts[0] === 'apis' && parts.length === 2) return this.writeDiscovery(req, res, this.discovery.apiGroup(parts[1]));
    if (parts[0] === 'apis' && parts.length === 3) return this.writeDiscovery(req, res, this.discovery.resourceList(parts[1], parts[2]));
    if (pathname === '/') {
      const paths = ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/readyz', '/version', '/openapi/v2', '/openapi/v3'];
      for (const g of this.scheme.groups()) if (g.name) for (const v of g.versions) paths.push(`/apis/${g.name}`, `/apis/${g.name}/${v}`);
      return writeObject(res, 200, { paths: [...new Set(paths)].sort() });
    }
    throw new StatusError(404, Reason.NotFound, 'the server could not find the requested resource');
  }

  private async handleResourceRequest(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams, user: UserInfo): Promise<void> {
    const resource: ResourceType | undefined = this.scheme.resource(info.group, info.version, info.resource);
    if (!resource) {
      req.resume();
      throw new StatusError(404, Reason.NotFound, 'the server could not find the requested resource');
    }
    if (!resource.namespaced && info.namespace && info.resource !== 'namespaces') {
      req.resume();
      throw new StatusError(404, Reason.NotFound, 'the server could not find the requested resource');
    }
    const r: ResourceRequest = { req, res, info, query, user, resource };
    if (info.subresource) {
      if (!(info.subresource in resource.subresources)) {
        req.resume();
        throw new StatusError(404, Reason.NotFound, 'the server could not find the requested resource');
      }
      const special = subresourceHandler(resource, info.subresource);
      if (special) return special(this.handlerContext, r, this.registry);
      if (info.subresource === 'status') return handleStatus(this.handlerContext, r);
      throw new StatusError(404, Reason.NotFound, 'the server could not find the requested resource');
    }
    const virtual = subresourceHandler(resource, '');
    if (virtual) return virtual(this.handlerContext, r, this.registry);
    return handleResource(this.handlerContext, r);
  }
}
