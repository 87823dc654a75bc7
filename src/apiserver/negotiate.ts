// Content negotiation: which representation a client asked for in Accept (JSON, YAML,
// a Table, PartialObjectMetadata, aggregated discovery) and which body format it sent.

import { StatusError, Reason } from '../machinery/errors.js';

export interface MediaType {
  type: string; // e.g. application/json
  params: Record<string, string>;
  q: number;
}

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (!header) return [];
  const out: MediaType[] = [];
  for (const part of header.split(',')) {
    const [typePart, ...paramParts] = part.split(';');
    const type = typePart.trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number(v) || 0;
      else params[k] = v;
    }
    out.push({ type, params, q });
  }
  // Stable sort by q, highest first.
  return out.map((m, i) => ({ m, i })).sort((a, b) => b.m.q - a.m.q || a.i - b.i).map((x) => x.m);
}

export type OutputFormat = 'json' | 'yaml';

export interface ResponseTarget {
  format: OutputFormat;
  /** Transform the object into another kind (meta.k8s.io). */
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
  /** The media type to put in Content-Type. */
  contentType: string;
}

const jsonTypes = new Set(['application/json', '*/*', 'application/*']);

/**
 * The representation for a resource response. Unsupported transforms fall through to the next
 * acceptable type; if nothing fits, 406 (kubectl always includes plain JSON as a fallback).
 */
export function negotiateResource(accept: string | undefined, opts: { allowTable: boolean; isList: boolean }): ResponseTarget {
  const types = parseMediaTypes(accept);
  if (types.length === 0) return { format: 'json', contentType: 'application/json' };
  for (const t of types) {
    const as = t.params['as'];
    const g = t.params['g'];
    const v = t.params['v'];
    if (as) {
      if (t.type !== 'application/json' && t.type !== 'application/yaml') continue;
      if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
      const format: OutputFormat = t.type === 'application/yaml' ? 'yaml' : 'json';
      if (as === 'Table' && opts.allowTable) {
        return { format, as: 'Table', contentType: `${t.type};as=Table;v=${v};g=meta.k8s.io` };
      }
      if (as === 'PartialObjectMetadata' && !opts.isList) {
        return { format, as: 'PartialObjectMetadata', contentType: `${t.type};as=PartialObjectMetadata;v=${v};g=meta.k8s.io` };
      }
      if (as === 'PartialObjectMetadataList' && opts.isList) {
        return { format, as: 'PartialObjectMetadataList', contentType: `${t.type};as=PartialObjectMetadataList;v=${v};g=meta.k8s.io` };
      }
      continue;
    }
    if (jsonTypes.has(t.type)) return { format: 'json', contentType: 'application/json' };
    if (t.type === 'application/yaml') return { format: 'yaml', contentType: 'application/yaml' };
    // Protobuf responses are not produced; clients that ask list JSON too.
  }
  throw new StatusError(406, Reason.NotAcceptable, `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

/** The body format of a create/update request, from its Content-Type. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const t = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (t === 'application/json' || t === '' || t === '*/*') return 'json';
  if (t === 'application/yaml' || t === 'application/x-yaml' || t === 'text/yaml') return 'yaml';
  if (t === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw new StatusError(
    415,
    Reason.UnsupportedMediaType,
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor`,
  );
}
