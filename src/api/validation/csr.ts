// certificates.k8s.io/v1 CertificateSigningRequest validation: a PEM PKCS#10 request whose
// signature verifies, known and unique key usages, a signer name of the form
// `example.com/signer`, an expiry of at least ten minutes, consistent conditions (Approved and
// Denied exclusive, never removed), and which write may set what: approval conditions only
// through /approval, the certificate only through /status and only once.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { certificateProblem, csrRequestProblem } from './csr-request.js';
import { isDNS1123Label, isDNS1123Subdomain } from './formats.js';
import { arr, byteLength, child, index, isInt, isObject, jsonEqual, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

export const legacyUnknownSignerName = 'kubernetes.io/legacy-unknown';

export const keyUsages = [
  'any',
  'cert sign',
  'client auth',
  'code signing',
  'content commitment',
  'crl sign',
  'data encipherment',
  'decipher only',
  'digital signature',
  'email protection',
  'encipher only',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'key agreement',
  'key encipherment',
  'microsoft sgc',
  'netscape sgc',
  'ocsp signing',
  's/mime',
  'server auth',
  'signing',
  'timestamping',
];

const trueOnlyConditionTypes = new Set(['Approved', 'Denied', 'Failed']);
const allStatuses = ['False', 'True', 'Unknown'];

interface Options {
  allowSettingApprovalConditions?: boolean;
  allowSettingCertificate?: boolean;
  allowBothApprovedAndDenied?: boolean;
  allowLegacySignerName?: boolean;
  allowDuplicateConditionTypes?: boolean;
  allowEmptyConditionType?: boolean;
  allowArbitraryCertificate?: boolean;
  allowUnknownUsages?: boolean;
  allowDuplicateUsages?: boolean;
}

/** Base64 bytes of a []byte field, as text (PEM is ASCII). */
function bytesText(v: unknown): string {
  if (typeof v !== 'string') return '';
  return Buffer.from(v, 'base64').toString('latin1');
}

/** ValidateSignerName: `<domain with a dot>/<path of DNS subdomains>`. */
export function validateSignerName(signerName: string, path: string): FieldError[] {
  if (signerName === '') return [field.required(path, '')];
  const segments = signerName.split('/');
  if (segments.length !== 2) {
    return [field.invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  }
  const [domain, rest] = segments;
  const errs: FieldError[] = [];
  if (byteLength(domain) > 253) errs.push(field.tooLong(path, domain, 253));
  const labels = domain.split('.');
  for (const label of labels) {
    const msgs = isDNS1123Label(label);
    if (msgs.length) {
      for (const msg of msgs) errs.push(field.invalid(path, domain, `validating label ${JSON.stringify(label)}: ${msg}`));
      break;
    }
  }
  if (labels.length < 2) errs.push(field.invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const component of rest.split('.')) {
    const msgs = isDNS1123Subdomain(component);
    if (msgs.length) {
      for (const msg of msgs) errs.push(field.invalid(path, rest, `validating component ${JSON.stringify(component)}: ${msg}`));
      break;
    }
  }
  const maxPathLength = 253 - 63 - 1;
  if (byteLength(rest) > maxPathLength) errs.push(field.tooLong(path, rest, maxPathLength));
  return errs;
}

function validateConditions(csr: KubeObject, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  const path = 'status.conditions';
  const seen = new Set<string>();
  let hasApproved = false;
  let hasDenied = false;
  arr(obj(csr.status).conditions).forEach((raw, i) => {
    const c = obj(raw);
    const type = str(c.type);
    const p = index(path, i);
    if (!opts.allowEmptyConditionType && type === '') errs.push(field.required(child(p, 'type'), ''));
    const allowed = trueOnlyConditionTypes.has(type) ? ['True'] : allStatuses;
    const status = str(c.status);
    if (status === '') errs.push(field.required(child(p, 'status'), ''));
    else if (!allowed.includes(status)) errs.push(field.notSupported(child(p, 'status'), status, allowed));
    if (!opts.allowBothApprovedAndDenied) {
      if (type === 'Approved') {
        hasApproved = true;
        if (hasDenied) errs.push(field.invalid(child(p, 'type'), type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (type === 'Denied') {
        hasDenied = true;
        if (hasApproved) errs.push(field.invalid(child(p, 'type'), type, 'Approved and Denied conditions are mutually exclusive'));
      }
    }
    if (!opts.allowDuplicateConditionTypes) {
      if (seen.has(type)) errs.push(field.duplicate(child(p, 'type'), type));
      seen.add(type);
    }
  });
  return errs;
}

function validateCertificateSigningRequest(csr: KubeObject, opts: Options): FieldError[] {
  const spec = obj(csr.spec);
  const errs: FieldError[] = [];
  const problem = csrRequestProblem(bytesText(spec.request));
  if (problem) errs.push(field.invalid('spec.request', spec.request ?? null, problem));
  const usages = arr(spec.usages);
  if (usages.length === 0) errs.push(field.required('spec.usages', ''));
  if (!opts.allowUnknownUsages) {
    usages.forEach((u, i) => {
      if (!keyUsages.includes(str(u))) errs.push(field.notSupported(index('spec.usages', i), u, keyUsages));
    });
  }
  if (!opts.allowDuplicateUsages) {
    const seen = new Set<unknown>();
    usages.forEach((u, i) => {
      if (seen.has(u)) errs.push(field.duplicate(index('spec.usages', i), u));
      seen.add(u);
    });
  }
  const signerName = str(spec.signerName);
  if (!opts.allowLegacySignerName && signerName === legacyUnknownSignerName) {
    errs.push(field.invalid('spec.signerName', signerName, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...validateSignerName(signerName, 'spec.signerName'));
  }
  if (isInt(spec.expirationSeconds) && spec.expirationSeconds < 600) {
    errs.push(field.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...validateConditions(csr, opts));
  if (!opts.allowArbitraryCertificate) {
    const certProblem = certificateProblem(bytesText(obj(csr.status).certificate));
    if (certProblem) errs.push(field.invalid('status.certificate', '<certificate data>', certProblem));
  }
  return errs;
}

/** What an update tolerates because the stored object already had it. */
function optionsFromOld(old: KubeObject): Options {
  const o = obj(old.spec);
  const conditions = arr(obj(old.status).conditions).map((c) => str(obj(c).type));
  const usages = arr(o.usages).map(str);
  return {
    allowBothApprovedAndDenied: conditions.includes('Approved') && conditions.includes('Denied'),
    allowLegacySignerName: str(o.signerName) === legacyUnknownSignerName,
    allowDuplicateConditionTypes: new Set(conditions).size !== conditions.length,
    allowEmptyConditionType: conditions.includes(''),
    allowArbitraryCertificate: certificateProblem(bytesText(obj(old.status).certificate)) !== undefined,
    allowDuplicateUsages: new Set(usages).size !== usages.length,
    allowUnknownUsages: usages.some((u) => !keyUsages.includes(u)),
  };
}

function conditionsOfType(csr: KubeObject, type: string): unknown[] {
  return arr(obj(csr.status).conditions).filter((c) => isObject(c) && c.type === type);
}

function validateUpdateRules(csr: KubeObject, old: KubeObject, opts: Options): FieldError[] {
  const errs = validateCertificateSigningRequest(csr, opts);
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (conditionsOfType(csr, t).length < conditionsOfType(old, t).length) {
      errs.push(field.forbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
    }
  }
  if (!opts.allowSettingApprovalConditions) {
    for (const t of ['Approved', 'Denied']) {
      const before = conditionsOfType(old, t);
      const after = conditionsOfType(csr, t);
      if (after.length > before.length) errs.push(field.forbidden('status.conditions', `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (after.length === before.length && !jsonEqual(before, after)) {
        errs.push(field.forbidden('status.conditions', `updates may not modify a condition of type ${JSON.stringify(t)}`));
      }
    }
  }
  const cert = str(obj(csr.status).certificate);
  const oldCert = str(obj(old.status).certificate);
  if (cert !== oldCert) {
    if (!opts.allowSettingCertificate) errs.push(field.forbidden('status.certificate', 'updates may not set certificate content'));
    else if (oldCert !== '') errs.push(field.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  }
  return errs;
}

export function validateCSR(csr: KubeObject): FieldError[] {
  return validateCertificateSigningRequest(csr, {});
}

/** A write to the main resource: the spec is the stored one again, status may not change. */
export function validateCSRUpdate(csr: KubeObject, old: KubeObject): FieldError[] {
  return validateUpdateRules(csr, old, optionsFromOld(old));
}

/** A write to /status: the signer sets the certificate, once. */
export function validateCSRStatusUpdate(csr: KubeObject, old: KubeObject): FieldError[] {
  return validateUpdateRules(csr, old, { ...optionsFromOld(old), allowSettingCertificate: true });
}

/** A write to /approval (`kubectl certificate approve|deny`): Approved or Denied conditions. */
export function validateCSRApprovalUpdate(csr: KubeObject, old: KubeObject): FieldError[] {
  return validateUpdateRules(csr, old, { ...optionsFromOld(old), allowSettingApprovalConditions: true });
}

export const certificateSigningRequestValidation: KindValidation = {
  validate: validateCSR,
  validateUpdate: validateCSRUpdate,
  validateStatusUpdate: validateCSRStatusUpdate,
  // "We don't care what you call your certificate requests."
  nameRule: 'none',
};
