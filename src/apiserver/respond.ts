// Writing responses: objects as JSON or YAML, errors as meta/v1 Status, warnings as
// `Warning: 299 - "..."` headers. The one place a thrown error becomes an HTTP answer.

import type { ServerResponse } from 'node:http';
import YAML from 'yaml';
import { StatusError, internalError } from '../machinery/errors.js';
import { storedJson } from '../storage/stored-json.js';
import type { OutputFormat } from './negotiate.js';

/** The body of an object; a stored object's JSON is the text the store keeps beside it. */
export function serialize(obj: unknown, format: OutputFormat): string {
  return format === 'yaml' ? YAML.stringify(obj, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 }) : storedJson(obj);
}

export function writeWarnings(res: ServerResponse, warnings: string[] | undefined): void {
  if (!warnings?.length || res.headersSent) return;
  const unique = [...new Set(warnings)];
  res.setHeader(
    'Warning',
    unique.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`),
  );
}

export function writeObject(res: ServerResponse, code: number, obj: unknown, format: OutputFormat = 'json', contentType?: string): void {
  const body = serialize(obj, format);
  res.writeHead(code, {
    'Content-Type': contentType ?? (format === 'yaml' ? 'application/yaml' : 'application/json'),
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

/**
 * Writes one piece of a streamed response (a list, a watch) and, when more than `maxBuffered`
 * bytes wait unsent, waits until the client has taken them (or gone away). Over TLS a write
 * completes an event-loop turn later, so waiting at the stream's 16 KiB mark would cost a
 * turn per piece; never waiting lets fifty slow lists hold every page in memory at once.
 */
export async function writeChunk(res: ServerResponse, chunk: string, maxBuffered: number): Promise<void> {
  if (res.write(chunk) || res.writableLength <= maxBuffered || res.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes `obj` as JSON — the same text JSON.stringify gives when `arrayKey` is its last key —
 * streaming the array under `arrayKey` a piece at a time: a list or Table of 10,000 pods is
 * never one 40 MiB string, and a slow client holds back only `maxBuffered` bytes.
 */
export async function writeJsonStreamingArray(
  res: ServerResponse,
  code: number,
  obj: Record<string, unknown>,
  arrayKey: string,
  contentType: string,
  maxBuffered: number,
): Promise<void> {
  const { [arrayKey]: array, ...rest } = obj;
  const items = (array ?? []) as unknown[];
  const restJson = JSON.stringify(rest);
  const head = `${restJson.length > 2 ? restJson.slice(0, -1) + ',' : '{'}${JSON.stringify(arrayKey)}:[`;
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  let buf = head;
  for (let i = 0; i < items.length; i++) {
    buf += (i ? ',' : '') + (storedJson(items[i], false) ?? 'null');
    if (buf.length > 1 << 16) {
      await writeChunk(res, buf, maxBuffered);
      if (res.destroyed) return;
      buf = '';
    }
  }
  res.end(buf + ']}');
}

export function writeRaw(res: ServerResponse, code: number, body: string | Buffer, contentType: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, private' });
  res.end(body);
}

/** Turns anything thrown into a Status response; unexpected errors are 500s and get logged. */
export function writeError(res: ServerResponse, err: unknown, log: (msg: string) => void = console.error): void {
  let status: StatusError;
  if (err instanceof StatusError) {
    status = err;
  } else {
    log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    status = internalError(err instanceof Error ? err.message : String(err));
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeObject(res, status.code, status.toStatus());
}
