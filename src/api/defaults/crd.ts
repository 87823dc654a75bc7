// apiextensions.k8s.io/v1 CustomResourceDefinition defaults: singular is the lower-cased kind,
// listKind is <Kind>List, conversion is None, a webhook service listens on 443, and the
// storage version is recorded in status.storedVersions.

import type { KubeObject } from '../object.js';
import { absent, ensureObject, isObject, setIfEmpty } from './groups-common.js';

export function setDefaultsCustomResourceDefinition(crd: KubeObject): void {
  const spec = ensureObject(crd, 'spec');
  if (!spec) return;
  const names = ensureObject(spec, 'names');
  if (names) {
    const kind = typeof names.kind === 'string' ? names.kind : '';
    setIfEmpty(names, 'singular', kind.toLowerCase());
    if (kind !== '') setIfEmpty(names, 'listKind', `${kind}List`);
  }
  if (absent(spec.conversion)) spec.conversion = { strategy: 'None' };
  const conversion = spec.conversion;
  if (isObject(conversion) && isObject(conversion.webhook) && isObject(conversion.webhook.clientConfig)) {
    const service = conversion.webhook.clientConfig.service;
    if (isObject(service) && absent(service.port)) service.port = 443;
  }
  updateStoredVersions(crd);
}

/**
 * Adds the current storage version to status.storedVersions (the CRD strategy does this on
 * create and update, so that a version once stored is never silently dropped).
 */
export function updateStoredVersions(crd: KubeObject): void {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const storage = (Array.isArray(spec.versions) ? spec.versions : []).find((v) => isObject(v) && v.storage === true);
  if (!isObject(storage) || typeof storage.name !== 'string') return;
  const status = ensureObject(crd, 'status');
  if (!status) return;
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  if (!stored.includes(storage.name)) status.storedVersions = [...stored, storage.name];
}
