// Protobuf request bodies (Content-Type application/vnd.kubernetes.protobuf): kubectl 1.32's
// generator commands (create namespace|secret|deployment…, autoscale, auth can-i, certificate
// approve, debug --copy-to…) send nothing else. A body is the magic `k8s\0` and a
// runtime.Unknown envelope naming apiVersion/kind around the typed message; decoding yields
// the object exactly as the same request in JSON would carry it, so everything after the
// decoder treats both the same. Responses stay JSON: every kubectl request that sends
// protobuf also accepts application/json.

import type { KubeObject } from '../../api/object.js';
import { apiVersionOf, splitApiVersion } from '../../api/object.js';
import { badRequest } from '../../machinery/errors.js';
import type { StatusError } from '../../machinery/errors.js';
import { messageToGoJson } from './go-json.js';
import { DecodeError } from './go-values.js';
import type { ProtobufTypes } from './protobuf-types.js';
import { buildProtobufTypes } from './protobuf-types.js';
import { schemaTexts } from './schema/index.js';
import type { WireSchema } from './wire-schema.js';
import { messageForKind, parseWireSchema } from './wire-schema.js';

export const protobufContentType = 'application/vnd.kubernetes.protobuf';

/** The four bytes every Kubernetes protobuf body starts with. */
export const protobufMagic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface DecodeOptions {
  /**
   * The apiVersion and kind the endpoint takes. As in the API server, it fills an envelope's
   * missing apiVersion or kind, and error messages name it.
   */
  expected?: { apiVersion: string; kind: string };
}

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

let loaded: { schema: WireSchema; types: ProtobufTypes } | undefined;

/** Parsing the schema and building the protobufjs types takes tens of milliseconds: once, on first use. */
function decoder(): { schema: WireSchema; types: ProtobufTypes } {
  if (!loaded) {
    const schema = parseWireSchema(schemaTexts);
    loaded = { schema, types: buildProtobufTypes(schema) };
  }
  return loaded;
}

/**
 * Decodes a protobuf request body into the object the equivalent JSON body would carry.
 * Throws a 400 StatusError for anything Go's decoder would reject, or a kind kubelite has no
 * schema for. The object's kind is the body's own; checking it against the endpoint is the
 * caller's job, as it is for JSON. Kinds without ObjectMeta (DeleteOptions) come back without
 * `metadata`, as their JSON has none.
 */
export function decodeProtobufObject(body: Buffer, options: DecodeOptions = {}): KubeObject {
  let gvk: GroupVersionKind | undefined;
  try {
    const envelope = decodeEnvelope(body);
    gvk = envelopeKind(envelope.apiVersion, envelope.kind, options.expected);
    if (!gvk.kind) throw new DecodeError(`Object 'Kind' is missing in '${typeMetaText(envelope)}'`);
    if (!gvk.version) throw new DecodeError(`Object 'apiVersion' is missing in '${typeMetaText(envelope)}'`);
    const apiVersion = apiVersionOf(gvk.group, gvk.version);
    const { schema, types } = decoder();
    const message = messageForKind(schema, apiVersion, gvk.kind);
    if (!message) {
      throw new DecodeError(
        `no kind "${gvk.kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`,
      );
    }
    const decoded = types.type(message).decode(envelope.raw) as unknown as Record<string, unknown>;
    return { kind: gvk.kind, apiVersion, ...messageToGoJson(schema, message, decoded) } as KubeObject;
  } catch (e) {
    throw decodeFailure(e, body, gvk, options.expected);
  }
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

/** The checks and messages of apimachinery's protobuf serializer, then the envelope itself. */
function decodeEnvelope(body: Buffer): Envelope {
  if (body.length === 0) throw new DecodeError('empty data');
  if (body.length < protobufMagic.length || !body.subarray(0, protobufMagic.length).equals(protobufMagic)) {
    throw new DecodeError(`provided data does not appear to be a protobuf message, expected prefix [${[...protobufMagic].join(' ')}]`);
  }
  if (body.length === protobufMagic.length) throw new DecodeError('empty body');
  const unknown = decoder().types.unknown.decode(body.subarray(protobufMagic.length)) as unknown as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
  };
  return {
    apiVersion: unknown.typeMeta?.apiVersion ?? '',
    kind: unknown.typeMeta?.kind ?? '',
    raw: unknown.raw ?? new Uint8Array(0),
  };
}

/** The envelope's kind, completed from the endpoint's as apimachinery's copyKindDefaults does. */
function envelopeKind(apiVersion: string, kind: string, expected: DecodeOptions['expected']): GroupVersionKind {
  const gvk: GroupVersionKind = { ...splitApiVersion(apiVersion), kind };
  if (!expected) return gvk;
  const defaults = splitApiVersion(expected.apiVersion);
  if (!gvk.kind) gvk.kind = expected.kind;
  if (!gvk.version && defaults.version) {
    gvk.group = defaults.group;
    gvk.version = defaults.version;
  }
  return gvk;
}

/** Go's %#v of runtime.TypeMeta, which its missing-kind errors quote. */
function typeMetaText(e: Envelope): string {
  return `runtime.TypeMeta{APIVersion:${JSON.stringify(e.apiVersion)}, Kind:${JSON.stringify(e.kind)}}`;
}

/** protobufjs's reader errors, in the words of Go's generated unmarshallers. */
function reason(e: unknown): string {
  if (e instanceof DecodeError) return e.message;
  if (e instanceof RangeError) {
    if (/call stack/.test(e.message)) return 'max depth exceeded';
    return 'unexpected EOF';
  }
  if (e instanceof Error) {
    const wire = e.message.match(/^invalid wire type (\d+)/);
    if (wire) return `proto: illegal wireType ${wire[1]}`;
    // A length past 2^31 cannot fit in any body kubelite accepts.
    if (e.message === 'invalid length encoding') return 'unexpected EOF';
    if (e.message === 'invalid varint encoding' || e.message === 'invalid tag encoding') return 'proto: integer overflow';
    return e.message;
  }
  return String(e);
}

/** Wraps a decode error as the API server's create and update handlers do. */
function decodeFailure(
  e: unknown,
  body: Buffer,
  gvk: GroupVersionKind | undefined,
  expected: DecodeOptions['expected'],
): StatusError {
  const why = reason(e);
  if (!expected) return badRequest(why);
  if (gvk?.kind) return badRequest(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${expected.kind}: ${why}`);
  return badRequest(`the object provided is unrecognized (must be of type ${expected.kind}): ${why} (${summarize(body)})`);
}

/** The start of a body, as the API server quotes it in decode errors. */
function summarize(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const max = 30;
  if (body[0] === 0x7b) return body.length > max ? `${body.subarray(0, max).toString('utf8')} ...` : body.toString('utf8');
  return body.length > max ? `${body.subarray(0, max).toString('hex')} ...` : body.toString('hex');
}
