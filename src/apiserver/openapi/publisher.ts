// Serves /openapi/v2 and /openapi/v3 as the real API server does: the v3 index lists one
// document per group version with a content hash in its URL; a request carrying the current
// hash is cacheable forever, a stale hash is redirected to the current one, and ETag /
// If-None-Match spare unchanged bodies. Documents are built on first request and rebuilt only
// for the group versions whose resources changed (custom resources come and go through the
// scheme), so a CRD update does not rebuild core/v1. The v2 document also comes in gnostic's
// protobuf form (what kubectl downloads to validate `kind: List` manifests), encoded on first
// request and cached beside the JSON, under the JSON's ETag as the real server does.

import { createHash } from 'node:crypto';
import type { ResourceType, Scheme } from '../../api/scheme.js';
import type { SchemaProvider } from '../../api/schema/structural.js';
import { buildV2Document, buildV3Document, groupVersionKey, type DocumentOptions } from './documents.js';
import { encodeGnosticDocument } from './gnostic.js';
import { negotiate } from './negotiate.js';

export interface OpenApiResponse {
  status: number;
  contentType: string;
  body: Buffer;
  etag?: string;
  headers: Record<string, string>;
}

interface CachedDocument {
  body: Buffer;
  hash: string;
  /** The resource types it was built from, compared by identity to notice changes. */
  resources: ResourceType[];
}

interface CachedV2Document extends CachedDocument {
  builtAt: Date;
  /** The gnostic protobuf encoding, made when first asked for. */
  protobuf?: Buffer;
}

const jsonType = 'application/json';
/** What the API server answers protobuf requests for /openapi/v2 with. */
export const openApiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The v2 representations in the server's order of preference; kubectl asks for the second. */
const v2Offers = [jsonType, 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', openApiV2ProtobufType] as const;
/**
 * Where servers older than /openapi/v2 served the protobuf document; clients still fall back to
 * it when /openapi/v2 answers 403, 404 or 406. (Current Kubernetes answers 404 here.)
 */
export const legacyV2ProtobufPath = '/swagger-2.0.0.pb-v1';

/** sha512 of the bytes, upper-case hex: the hash kube-openapi puts in URLs and ETags. */
export function contentHash(body: Buffer): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

function notFound(): OpenApiResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: Buffer.from('404 page not found\n'), headers: {} };
}

function notAcceptable(): OpenApiResponse {
  return { status: 406, contentType: 'text/plain; charset=utf-8', body: Buffer.from('406 Not Acceptable\n'), headers: {} };
}

/** Whether an Accept header admits JSON (absent, wildcard, or naming it). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0].trim().toLowerCase();
    return type === '*/*' || type === 'application/*' || type === jsonType;
  });
}

export class OpenApiPublisher {
  private readonly v3 = new Map<string, CachedDocument>();
  private v2: CachedV2Document | undefined;
  private dirty = false;
  private readonly unsubscribe: () => void;
  private readonly options: DocumentOptions;

  constructor(
    private readonly scheme: Scheme,
    private readonly schemas: SchemaProvider,
    options: Partial<DocumentOptions> = {},
  ) {
    this.options = { kubernetesVersion: 'v1.32.0', ...options } satisfies DocumentOptions;
    this.unsubscribe = scheme.onChange(() => {
      this.dirty = true;
    });
  }

  /** Stops following the scheme. */
  close(): void {
    this.unsubscribe();
  }

  /** Forgets built documents (all, or one group version's), e.g. after a CRD's schema changed in place. */
  invalidate(group?: string, version?: string): void {
    this.v2 = undefined;
    if (group === undefined) this.v3.clear();
    else this.v3.delete(groupVersionKey(group, version ?? ''));
  }

  /**
   * Answers a GET under /openapi/ (and the legacy /swagger-2.0.0.pb-v1); undefined for paths
   * it does not own. `path` may carry the query string (`/openapi/v3/apis/apps/v1?hash=…`).
   */
  handle(path: string, accept?: string, ifNoneMatch?: string): OpenApiResponse | undefined {
    const q = path.indexOf('?');
    const pathname = q < 0 ? path : path.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
    if (pathname !== '/openapi' && !pathname.startsWith('/openapi/') && pathname !== legacyV2ProtobufPath) return undefined;
    this.refresh();
    if (pathname === '/openapi/v2') {
      const offer = negotiate(accept, v2Offers);
      if (!offer) return notAcceptable();
      return this.respondV2(offer === jsonType ? 'json' : 'protobuf', ifNoneMatch);
    }
    // The legacy path had one representation, whatever the Accept header said.
    if (pathname === legacyV2ProtobufPath) return this.respondV2('protobuf', ifNoneMatch);
    if (pathname === '/openapi/v3' || pathname === '/openapi/v3/') {
      if (!acceptsJson(accept)) return notAcceptable();
      return this.respond(this.index(), ifNoneMatch, 'no-cache, private');
    }
    if (pathname.startsWith('/openapi/v3/')) {
      if (!acceptsJson(accept)) return notAcceptable();
      const gv = this.parseGroupVersion(pathname.slice('/openapi/v3/'.length));
      if (!gv) return notFound();
      const doc = this.v3Document(gv.group, gv.version);
      if (!doc) return notFound();
      const hash = query.get('hash');
      if (hash !== null && hash !== doc.hash) {
        return {
          status: 301,
          contentType: 'text/html; charset=utf-8',
          body: Buffer.alloc(0),
          headers: { Location: `${pathname}?hash=${doc.hash}` },
        };
      }
      return this.respond(doc, ifNoneMatch, hash !== null ? 'public, immutable' : 'no-cache, private');
    }
    return notFound();
  }

  private respond(doc: CachedDocument, ifNoneMatch: string | undefined, cacheControl: string): OpenApiResponse {
    const etag = `"${doc.hash}"`;
    const headers: Record<string, string> = { 'Cache-Control': cacheControl, ETag: etag };
    if (cacheControl.includes('immutable')) headers.Expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      return { status: 304, contentType: jsonType, body: Buffer.alloc(0), etag, headers };
    }
    return { status: 200, contentType: jsonType, body: doc.body, etag, headers };
  }

  private respondV2(format: 'json' | 'protobuf', ifNoneMatch: string | undefined): OpenApiResponse {
    const doc = format === 'json' ? this.v2Document() : this.v2Protobuf();
    const etag = `"${doc.hash}"`;
    const headers: Record<string, string> = {
      'Cache-Control': 'no-cache, private',
      ETag: etag,
      'Last-Modified': doc.builtAt.toUTCString(),
      Vary: 'Accept',
    };
    const contentType = format === 'json' ? jsonType : openApiV2ProtobufType;
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      return { status: 304, contentType, body: Buffer.alloc(0), etag, headers };
    }
    return { status: 200, contentType, body: format === 'json' ? doc.body : doc.protobuf!, etag, headers };
  }

  private parseGroupVersion(rest: string): { group: string; version: string } | undefined {
    const parts = rest.split('/');
    if (parts[0] === 'api' && parts.length === 2) return { group: '', version: parts[1] };
    if (parts[0] === 'apis' && parts.length === 3) return { group: parts[1], version: parts[2] };
    return undefined;
  }

  /** After a scheme change, drops the documents whose group version's resources changed. */
  private refresh(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.v2 = undefined;
    for (const [key, doc] of this.v3) {
      const [group, version] = key.startsWith('apis/') ? key.slice(5).split('/') : ['', key.slice(4)];
      const now = this.scheme.resourcesIn(group, version);
      if (now.length !== doc.resources.length || now.some((r, i) => r !== doc.resources[i])) this.v3.delete(key);
    }
  }

  private v3Document(group: string, version: string): CachedDocument | undefined {
    const key = groupVersionKey(group, version);
    const cached = this.v3.get(key);
    if (cached) return cached;
    const resources = this.scheme.resourcesIn(group, version);
    const doc = buildV3Document(this.scheme, this.schemas, group, version, this.options);
    if (!doc) return undefined;
    const body = Buffer.from(JSON.stringify(doc));
    const built = { body, hash: contentHash(body), resources };
    this.v3.set(key, built);
    return built;
  }

  private index(): CachedDocument {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const { name, versions } of this.scheme.groups()) {
      for (const version of versions) {
        const doc = this.v3Document(name, version);
        if (!doc) continue;
        const key = groupVersionKey(name, version);
        paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
      }
    }
    const sorted: Record<string, { serverRelativeURL: string }> = {};
    for (const k of Object.keys(paths).sort()) sorted[k] = paths[k];
    const body = Buffer.from(JSON.stringify({ paths: sorted }));
    return { body, hash: contentHash(body), resources: [] };
  }

  private v2Document(): CachedV2Document {
    this.v2 ??= this.buildV2().cached;
    return this.v2;
  }

  /** The v2 document with its protobuf form, encoded from the JSON once. */
  private v2Protobuf(): CachedV2Document {
    if (this.v2?.protobuf) return this.v2;
    let source: Record<string, unknown>;
    if (this.v2) {
      // Built for a JSON request earlier; the object was not kept, as it is far larger than its bytes.
      source = JSON.parse(this.v2.body.toString('utf8')) as Record<string, unknown>;
    } else {
      const built = this.buildV2();
      this.v2 = built.cached;
      source = built.source;
    }
    this.v2.protobuf = encodeGnosticDocument(source);
    return this.v2;
  }

  private buildV2(): { source: Record<string, unknown>; cached: CachedV2Document } {
    const source = buildV2Document(this.scheme, this.schemas, this.options);
    const body = Buffer.from(JSON.stringify(source));
    // The ETag is the JSON's hash whichever form is served, as in kube-openapi.
    return { source, cached: { body, hash: contentHash(body), resources: [], builtAt: new Date() } };
  }
}
