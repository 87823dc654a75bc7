// Checking a decoded body's apiVersion and kind against the endpoint it was sent to, as
// Kubernetes' decoder does: missing ones are filled in from the endpoint, wrong ones are a 400.

import type { KubeObject } from '../api/object.js';
import { apiVersionOf, isKubeObject, splitApiVersion } from '../api/object.js';
import type { ResourceType } from '../api/scheme.js';
import { badRequest } from '../machinery/errors.js';

/** Checks a decoded body's apiVersion and kind against the endpoint, filling them in if absent. */
export function checkTypeMeta(body: unknown, resource: ResourceType, version: string, expectKind = resource.kind, expectGroup = resource.group): KubeObject {
  if (!isKubeObject(body)) {
    throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  const obj = body as KubeObject;
  if (obj.apiVersion !== undefined && typeof obj.apiVersion !== 'string') throw badRequest('apiVersion must be a string');
  if (obj.kind !== undefined && typeof obj.kind !== 'string') throw badRequest('kind must be a string');
  const expectedVersion = apiVersionOf(expectGroup, version);
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = expectedVersion;
  if (obj.kind === undefined || obj.kind === '') obj.kind = expectKind;
  if (obj.apiVersion !== expectedVersion) {
    const gv = splitApiVersion(obj.apiVersion);
    if (gv.group !== expectGroup || !resource.versions.includes(gv.version) || expectKind !== resource.kind) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectedVersion})`);
    }
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectedVersion})`);
  }
  if (obj.kind !== expectKind) {
    throw badRequest(`${obj.kind} in version "${version}" cannot be handled as a ${expectKind}: the kind in the data does not match the kind the endpoint serves`);
  }
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isKubeObject(obj.metadata)) {
    throw badRequest(`${expectKind} in version "${version}" cannot be handled as a ${expectKind}: json: cannot unmarshal ${Array.isArray(obj.metadata) ? 'array' : typeof obj.metadata} into Go struct field ${expectKind}.metadata of type v1.ObjectMeta`);
  }
  return obj;
}

