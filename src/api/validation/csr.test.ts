import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { certificateProblem, csrRequestProblem } from './csr-request.js';
import { validateCSR, validateCSRApprovalUpdate, validateCSRStatusUpdate, validateCSRUpdate, validateSignerName } from './csr.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** `openssl req -new -newkey ec … -subj /CN=jane/O=dev` */
const ecRequest = [
  '-----BEGIN CERTIFICATE REQUEST-----',
  'MIHYMH8CAQAwHTENMAsGA1UEAwwEamFuZTEMMAoGA1UECgwDZGV2MFkwEwYHKoZI',
  'zj0CAQYIKoZIzj0DAQcDQgAE8xkvduJhgM6zeiRVx7+/f3e7SGxW/TXhbG4R0kvK',
  'TGn0ACzgy9w9M/Q42za/QtJJsw6j9JHnSXqTQXeiwGWYaaAAMAoGCCqGSM49BAMC',
  'A0kAMEYCIQDqSDHZVAt/iWkDYa0yosuBxPtfPa42OjByCzLbm/1zPQIhAP/Jh1jn',
  '43qUcLO317qOOt/rd8Ikf2psHcPocG2f36aP',
  '-----END CERTIFICATE REQUEST-----'
].join('\n');
/** `openssl req -new -newkey rsa:2048 … -subj /CN=bob` */
const rsaRequest = [
  '-----BEGIN CERTIFICATE REQUEST-----',
  'MIICUzCCATsCAQAwDjEMMAoGA1UEAwwDYm9iMIIBIjANBgkqhkiG9w0BAQEFAAOC',
  'AQ8AMIIBCgKCAQEAoDXNixPYV9qSldAtn1JDBZupivel5hY8Ehwi/rRusLQKsNCg',
  'lAxLsnUts7MjkPqrdJZEq02oBW36r9nDb6fIAdjxVSIFroNin5Vco5wAXf0W4QgP',
  'tXrbzD4+pSNROOOKp236vOGeJk4Dw9EgMGvfUldqw20iG9kpq5B+eI60LKd8GGiI',
  '/epXSuEB3O22A7aTlsPruYFKYesUbELJAgSw00uefKR/la7hAcF8QjUvyQLnQKWX',
  'ovmn12I0rjZJh9X+j226w9atf1djIEg44dLpuDUyhVr8bZfNL6YD1+EiI2HAyVHb',
  'wvvgUZZ42Y8csyD6gKz6SCRBEPgw28RuI6fvtQIDAQABoAAwDQYJKoZIhvcNAQEL',
  'BQADggEBAGJpCoNkNV54UXNeZPnNTnxtV64DG8BYXyHUY9KnjSdPB9vmnS34QyKY',
  'XlP2nPgD8fQYGhf8S9hEc11j/BLVfxY8o09JbTsHvyEniHlXs8F2L1TFmypFUoUd',
  'sLTuD8YBL0A4CS1WRqAA0WvfJE/DABIBSquf6YZR7KSSf8wSAhFq09VB8zpowZ9y',
  'PEIbEoMjv7gKar1VleJYUYETVUl6Jjy6lax583Tw6y4p+iqYqRyGNdPRXUcJYTfH',
  'phZXBmInfKFa3Fnw/0Yo1ho7fnhzEuKZRyumV5QzUJliFQA9VARP0Yxyj7UttVpb',
  'KfHP44ZHYm6yra2FSKwfovUYdoN1mNk=',
  '-----END CERTIFICATE REQUEST-----'
].join('\n');
/** A self-signed certificate for the EC key. */
const certificate = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBjzCCATWgAwIBAgIUaEaM5Y+XDiOqO+go3WDOMbvboM0wCgYIKoZIzj0EAwIw',
  'HTENMAsGA1UEAwwEamFuZTEMMAoGA1UECgwDZGV2MB4XDTI2MTEyMzEwMDQ0OVoX',
  'DTM2MTEyMDEwMDQ0OVowHTENMAsGA1UEAwwEamFuZTEMMAoGA1UECgwDZGV2MFkw',
  'EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8xkvduJhgM6zeiRVx7+/f3e7SGxW/TXh',
  'bG4R0kvKTGn0ACzgy9w9M/Q42za/QtJJsw6j9JHnSXqTQXeiwGWYaaNTMFEwHQYD',
  'VR0OBBYEFLqh4QjutWHTCauDu+TmOm/bCnZ8MB8GA1UdIwQYMBaAFLqh4QjutWHT',
  'CauDu+TmOm/bCnZ8MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIg',
  'N2VRzvCC0EsK7ZfEjgrBTAgemaOLIGYUi+zJHzJVa5kCIQCJlST876wS9YVCDL6V',
  '3XY87HwjvIINP4UXtSiB/gS/ZA==',
  '-----END CERTIFICATE-----'
].join('\n');

const b64 = (s: string) => Buffer.from(s).toString('base64');

function csr(spec: Record<string, unknown> = {}, status?: Record<string, unknown>): KubeObject {
  return {
    metadata: { name: 'jane' },
    spec: { request: b64(ecRequest), signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400, usages: ['client auth'], ...spec },
    ...(status ? { status } : {}),
  };
}

test('real PKCS#10 requests verify, EC and RSA', () => {
  assert.equal(csrRequestProblem(ecRequest), undefined);
  assert.equal(csrRequestProblem(rsaRequest), undefined);
  assert.deepEqual(validateCSR(csr()), []);
  assert.deepEqual(validateCSR(csr({ request: b64(rsaRequest) })), []);
});

test('a request that is not a CSR, or whose signature does not verify', () => {
  assert.equal(csrRequestProblem('hello'), 'PEM block type must be CERTIFICATE REQUEST');
  assert.equal(csrRequestProblem(certificate), 'PEM block type must be CERTIFICATE REQUEST');
  // Flip one byte of the signed part: the signature no longer matches.
  const der = Buffer.from(ecRequest.split('\n').slice(1, -1).join(''), 'base64');
  der[20] ^= 1;
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----`;
  assert.equal(csrRequestProblem(tampered), 'x509: ECDSA verification failure');
  assert.deepEqual(messages(validateCSR(csr({ request: b64('hello') }))), [`spec.request: Invalid value: "${b64('hello')}": PEM block type must be CERTIFICATE REQUEST`]);
});

test('usages: required, known, unique', () => {
  assert.deepEqual(messages(validateCSR(csr({ usages: [] }))), ['spec.usages: Required value']);
  const msgs = messages(validateCSR(csr({ usages: ['client auth', 'flying', 'client auth'] })));
  assert.equal(msgs.length, 2);
  assert.ok(msgs[0].startsWith('spec.usages[1]: Unsupported value: "flying": supported values: "any", "cert sign", "client auth"'));
  assert.equal(msgs[1], 'spec.usages[2]: Duplicate value: "client auth"');
});

test('signer names and expiry', () => {
  assert.deepEqual(messages(validateCSR(csr({ signerName: 'kubernetes.io/legacy-unknown', expirationSeconds: 60 }))), [
    'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version',
    'spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)',
  ]);
  assert.deepEqual(messages(validateSignerName('', 'spec.signerName')), ['spec.signerName: Required value']);
  assert.deepEqual(messages(validateSignerName('mysigner', 'spec.signerName')), [
    "spec.signerName: Invalid value: \"mysigner\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
  ]);
  assert.deepEqual(messages(validateSignerName('example/signer', 'spec.signerName')), [
    'spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots',
  ]);
  assert.deepEqual(validateSignerName('example.com/my-signer', 'spec.signerName'), []);
});

test('conditions: Approved and Denied exclusive, True only, no duplicates', () => {
  const c = csr({}, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'False' }, { type: 'Approved', status: 'True' }] });
  assert.deepEqual(messages(validateCSR(c)), [
    'status.conditions[1].status: Unsupported value: "False": supported values: "True"',
    'status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive',
    'status.conditions[2].type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive',
    'status.conditions[2].type: Duplicate value: "Approved"',
  ]);
});

test('approval goes through /approval, the certificate through /status, once', () => {
  const old = csr();
  const approved = csr({}, { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] });
  assert.deepEqual(messages(validateCSRUpdate(approved, old)), ['status.conditions: Forbidden: updates may not add a condition of type "Approved"']);
  assert.deepEqual(validateCSRApprovalUpdate(approved, old), []);
  const issued = csr({}, { conditions: approved.status ? (approved.status as any).conditions : [], certificate: b64(certificate) });
  assert.deepEqual(validateCSRStatusUpdate(issued, approved), []);
  assert.deepEqual(messages(validateCSRApprovalUpdate(issued, approved)), ['status.certificate: Forbidden: updates may not set certificate content']);
  const reissued = csr({}, { ...(issued.status as any), certificate: b64(certificate + '\n' + certificate) });
  assert.deepEqual(messages(validateCSRStatusUpdate(reissued, issued)), ['status.certificate: Forbidden: updates may not modify existing certificate content']);
  const unapproved = csr();
  assert.deepEqual(messages(validateCSRStatusUpdate(unapproved, approved)), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
});

test('status.certificate holds CERTIFICATE blocks only', () => {
  assert.equal(certificateProblem(certificate), undefined);
  assert.equal(certificateProblem(ecRequest), 'only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"');
  assert.equal(certificateProblem('junk'), 'must contain at least one CERTIFICATE PEM block');
  const c = csr({}, { certificate: b64('junk') });
  assert.deepEqual(messages(validateCSR(c)), ['status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block']);
});
