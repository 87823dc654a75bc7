// The captured fixtures in testdata/ are request bodies kubectl 1.32 sent to a recording server
// (fixtures.json says which command sent each). For most, the .json beside it is what kubectl
// printed with -o json after the server echoed the body back: Go's own JSON for that body, and
// identical to the JSON the same command sends with --dry-run=client -o json. The rest (commands
// without -o json) were checked by hand against the Go types.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { StatusError } from '../../machinery/errors.js';
import { decodeProtobufObject, protobufMagic } from './index.js';

const testdata = new URL('./testdata/', import.meta.url);

interface Fixture {
  name: string;
  command: string;
  request: string;
  expected: string;
}

const fixtures = JSON.parse(readFileSync(new URL('fixtures.json', testdata), 'utf8')) as Fixture[];
const body = (name: string): Buffer => readFileSync(new URL(`${name}.pb`, testdata));
const expected = (name: string): unknown => JSON.parse(readFileSync(new URL(`${name}.json`, testdata), 'utf8'));

test('every captured kubectl body decodes to the JSON kubectl would send, key order included', () => {
  assert.ok(fixtures.length >= 30);
  for (const f of fixtures) {
    const got = decodeProtobufObject(body(f.name));
    assert.deepEqual(got, expected(f.name), f.command);
    assert.equal(JSON.stringify(got), JSON.stringify(expected(f.name)), `${f.command}: key order`);
  }
});

test('a Secret from kubectl create secret generic', () => {
  assert.deepEqual(decodeProtobufObject(body('create-secret-generic')), {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 's1', creationTimestamp: null },
    data: { a: 'Yg==' },
    type: 'Opaque',
  });
});

test('create job --from=cronjob carries the whole pod template', () => {
  const job = decodeProtobufObject(body('create-job-from-cronjob')) as unknown as {
    spec: { template: { spec: { volumes: Record<string, unknown>[]; containers: Record<string, unknown>[]; affinity: unknown } } };
  };
  const pod = job.spec.template.spec;
  // Each volume source of the filled-in CronJob made it through.
  const sources = pod.volumes.flatMap((v) => Object.keys(v).filter((k) => k !== 'name'));
  assert.ok(sources.length >= 25, `volume sources: ${sources.join(',')}`);
  assert.ok(pod.containers[0].livenessProbe && pod.containers[0].securityContext && pod.affinity);
});

/** Wraps a typed message in the envelope, as client-go does. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array = new Uint8Array(0)): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork();
  if (apiVersion) w.uint32((1 << 3) | 2).string(apiVersion);
  if (kind) w.uint32((2 << 3) | 2).string(kind);
  w.ldelim();
  w.uint32((2 << 3) | 2).bytes(raw);
  return Buffer.concat([protobufMagic, w.finish()]);
}

function decodeError(input: Buffer, options?: Parameters<typeof decodeProtobufObject>[1]): StatusError {
  try {
    decodeProtobufObject(input, options);
  } catch (e) {
    assert.ok(e instanceof StatusError, `not a StatusError: ${String(e)}`);
    return e;
  }
  assert.fail('decoded without error');
}

test('an empty typed message decodes to the zero object, as Go would store it', () => {
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'Namespace')), {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { creationTimestamp: null },
    spec: {},
    status: {},
  });
});

test('DeleteOptions, which client-go sends with a typed Delete, decodes in any group version', () => {
  // gracePeriodSeconds: 0, propagationPolicy: "Foreground", dryRun: ["All"]
  const raw = protobuf.Writer.create().uint32(8).int64(0).uint32(34).string('Foreground').uint32(42).string('All').finish();
  assert.deepEqual(decodeProtobufObject(envelope('apps/v1', 'DeleteOptions', raw)), {
    kind: 'DeleteOptions',
    apiVersion: 'apps/v1',
    gracePeriodSeconds: 0,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
});

test('malformed bodies are 400 Bad Request with the serializer\'s words', () => {
  const cases: [Buffer, string][] = [
    [Buffer.alloc(0), 'empty data'],
    [Buffer.from('{"kind":"Namespace"}'), 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'],
    [Buffer.from('k8s'), 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'],
    [protobufMagic, 'empty body'],
    [envelope('v1', ''), `Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`],
    [envelope('', 'Namespace'), `Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"Namespace"}'`],
    [envelope('v1', 'Gadget'), 'no kind "Gadget" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
    [envelope('apps/v2', 'Deployment'), 'no kind "Deployment" is registered for version "apps/v2" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
    [Buffer.concat([protobufMagic, Buffer.from([0x0a, 0x05, 0x0a])]), 'unexpected EOF'],
    [Buffer.concat([protobufMagic, Buffer.from([0x0f])]), 'proto: illegal wireType 7'],
  ];
  for (const [input, message] of cases) {
    const e = decodeError(input);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    assert.equal(e.message, message);
  }
});

test('with the endpoint\'s kind, errors read as the API server\'s handlers word them', () => {
  const expected = { apiVersion: 'v1', kind: 'ConfigMap' };
  const bad = envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x7f]));
  assert.equal(decodeError(bad, { expected }).message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF');
  assert.equal(
    decodeError(Buffer.from('nonsense'), { expected }).message,
    'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (6e6f6e73656e7365)',
  );
  // A missing kind or apiVersion is taken from the endpoint.
  assert.equal(decodeProtobufObject(envelope('', '', new Uint8Array(0)), { expected }).kind, 'ConfigMap');
});

test('a bad value inside the object is a 400, not a crash', () => {
  // ResourceQuota spec.hard{"cpu": Quantity{"lots"}}
  const quantity = protobuf.Writer.create().uint32(10).string('lots').finish();
  const entry = protobuf.Writer.create().uint32(10).string('cpu').uint32(18).bytes(quantity).finish();
  const spec = protobuf.Writer.create().uint32(10).bytes(entry).finish();
  const quota = protobuf.Writer.create().uint32(18).bytes(spec).finish();
  assert.match(decodeError(envelope('v1', 'ResourceQuota', quota)).message, /^quantities must match/);
});

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function decodesOrRejects(input: Buffer, what: string): void {
  try {
    const obj = decodeProtobufObject(input);
    assert.equal(typeof obj.kind, 'string', what);
    JSON.stringify(obj);
  } catch (e) {
    assert.ok(e instanceof StatusError && e.code === 400, `${what}: ${String(e)}`);
  }
}

test('fuzz: truncated, corrupted and random bodies never crash the decoder', () => {
  const next = random(1);
  const samples = ['create-job-from-cronjob', 'create-deployment', 'create-secret-generic', 'certificate-approve'].map(body);
  for (const sample of samples) {
    for (let len = 0; len < sample.length; len++) decodesOrRejects(sample.subarray(0, len), `truncated to ${len}`);
  }
  for (let i = 0; i < 3000; i++) {
    const sample = Buffer.from(samples[i % samples.length]);
    const flips = 1 + Math.floor(next() * 4);
    for (let j = 0; j < flips; j++) sample[4 + Math.floor(next() * (sample.length - 4))] = Math.floor(next() * 256);
    decodesOrRejects(sample, `corruption ${i}`);
  }
  for (let i = 0; i < 2000; i++) {
    const noise = Buffer.alloc(Math.floor(next() * 200));
    for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(next() * 256);
    decodesOrRejects(Buffer.concat([protobufMagic, noise]), `noise ${i}`);
  }
});

test('fuzz: huge lengths and deep nesting are rejected, not followed', () => {
  // A length prefix of 2^32-1 bytes on the envelope's raw field.
  const huge = Buffer.concat([protobufMagic, Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00])]);
  assert.equal(decodeError(huge).message, 'unexpected EOF');
  // A 10-byte varint that overflows 64 bits.
  decodesOrRejects(Buffer.concat([protobufMagic, Buffer.from([0x12, ...Array(11).fill(0xff), 0x01])]), 'overlong varint');
  // 100k nested groups in an unknown field of the typed message.
  const depth = 100_000;
  const nested = Buffer.concat([Buffer.alloc(depth, 0x7b), Buffer.alloc(depth, 0x7c)]);
  decodesOrRejects(envelope('v1', 'ConfigMap', nested), 'nested groups');
  // Deeply nested length-delimited messages in the envelope.
  let deep: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < 2000; i++) deep = protobuf.Writer.create().uint32((9 << 3) | 2).bytes(deep).finish();
  decodesOrRejects(envelope('v1', 'ConfigMap', deep), 'nested messages');
});
