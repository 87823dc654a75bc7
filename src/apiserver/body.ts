// Reading and decoding request bodies: a size limit first (a body over it stores nothing and
// gets 413), then JSON, YAML or protobuf into a plain object. Every parse failure is a 400.

import type { IncomingMessage } from 'node:http';
import YAML from 'yaml';
import { StatusError, Reason, badRequest } from '../machinery/errors.js';
import { bodyFormat } from './negotiate.js';
import { firstContainerBeyondDepth } from './patch/json-value.js';

/** Kubernetes' limit on request bodies (--max-request-bytes defaults to 3 MiB). */
export const maxRequestBytes = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = maxRequestBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): StatusError {
  return new StatusError(413, Reason.RequestEntityTooLarge, `Request entity too large: limit is ${limit}`);
}

/** Parses JSON, turning syntax errors (and nesting beyond Go's decoder limit) into a 400. */
export function parseJson(text: string, what = 'body'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof RangeError ? 'exceeded max depth' : (e as Error).message;
    throw badRequest(`${what === 'body' ? '' : what + ': '}couldn't get version/kind; json parse error: ${msg}`.trimStart());
  }
  checkDepth(value);
  return value;
}

/**
 * Go's JSON decoder stops at 10,000 levels. V8's JSON.stringify overflows its stack near 4,500,
 * and every stored object is serialised, so bodies stop at 1,000 levels (no real object comes
 * close); the answer is Go's, a 400.
 */
export const maxBodyDepth = 1000;

function checkDepth(value: unknown): void {
  const bracket = firstContainerBeyondDepth(value, maxBodyDepth);
  if (bracket) throw badRequest(`couldn't get version/kind; json parse error: invalid character '${bracket}' exceeded max depth`);
}

/** Parses YAML (one document) the way Kubernetes' YAML decoder does: YAML 1.1, no alias bombs. */
export function parseYaml(text: string): unknown {
  try {
    const docs = YAML.parseAllDocuments(text, { version: '1.1', uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [docs];
    const first = list.find((d) => d.contents !== null) ?? list[0];
    if (!first) return null;
    if (first.errors.length) throw first.errors[0];
    const value = first.toJS({ maxAliasCount: 100 });
    checkDepth(value);
    return value;
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Decodes a create/update body according to its Content-Type. */
export async function decodeBody(body: Buffer, contentType: string | undefined): Promise<unknown> {
  const format = bodyFormat(contentType);
  if (body.length === 0) throw badRequest('the body of the request was empty');
  switch (format) {
    case 'json':
      return parseJson(body.toString('utf8'));
    case 'yaml':
      return parseYaml(body.toString('utf8'));
    case 'protobuf': {
      // Loaded on first use: only kubectl's generator commands send protobuf.
      const { decodeProtobufObject } = await import('./protobuf/index.js');
      return decodeProtobufObject(body);
    }
  }
}
