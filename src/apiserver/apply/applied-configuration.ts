// Reading an apply request body. Kubernetes decodes it with sigs.k8s.io/yaml (YAML 1.1:
// yes/no/on/off are booleans, 0777 is octal, timestamps stay strings; the first document
// only) into a map; JSON is YAML, so one reader serves both.

import { parseAllDocuments, type ParseOptions, type DocumentOptions, type SchemaOptions, type ToJSOptions } from 'yaml';
import { badRequest } from '../../machinery/errors.js';
import { isMap, type JSONMap } from './values.js';

const yamlOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: false,
  // go-yaml v2 resolves timestamps only into time.Time fields; into a map they stay strings.
  customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
};

const toJSOptions: ToJSOptions = { maxAliasCount: 100 };

/** The applied configuration as a JSON map; 400 "error decoding YAML: …" when it is not one. */
export function decodeAppliedConfiguration(body: unknown): JSONMap {
  if (isMap(body)) return body;
  let text: string;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body).toString('utf8');
  else if (body === null || body === undefined) return {};
  else throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(body)} into Go value of type map[string]interface {}`);

  // kubectl sends JSON; reading it as JSON is much cheaper and means the same.
  if (/^\s*\{/.test(text)) {
    try {
      const v = JSON.parse(text) as unknown;
      if (isMap(v)) return v;
    } catch {
      // Not plain JSON after all (YAML flow style, comments): read it as YAML.
    }
  }
  const docs = parseAllDocuments(text, yamlOptions);
  const doc = Array.isArray(docs) ? docs[0] : docs;
  if (!doc) return {};
  if (doc.errors.length > 0) throw badRequest(`error decoding YAML: ${doc.errors[0].message}`);
  let value: unknown;
  try {
    value = doc.toJS(toJSOptions);
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (!isMap(value)) {
    throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(value)} into Go value of type map[string]interface {}`);
  }
  return stringKeys(value) as JSONMap;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'object';
}

// YAML allows keys and values JSON has no words for; sigs.k8s.io/yaml turns keys into strings
// and binary data into base64 strings on its way to JSON.
function stringKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringKeys);
  if (v instanceof Map) {
    const out: JSONMap = {};
    for (const [k, x] of v) out[String(k)] = stringKeys(x);
    return out;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isMap(v)) {
    const out: JSONMap = {};
    for (const k of Object.keys(v)) out[k] = stringKeys(v[k]);
    return out;
  }
  if (typeof v === 'bigint') return Number(v);
  return v;
}
