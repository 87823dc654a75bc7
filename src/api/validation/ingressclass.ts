// networking.k8s.io/v1 IngressClass validation: a domain-prefixed controller name that never
// changes, and an optional parameters reference scoped to the cluster or a namespace.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Label } from './formats.js';
import { isDomainPrefixedPath } from './groups-common.js';
import { validateTypedLocalObjectReference } from './ingress.js';
import { validateImmutableField } from './meta.js';
import { byteLength, child, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const maxLenIngressClassController = 250;
const parameterScopes = ['Cluster', 'Namespace'];

function validateParametersReference(paramsRaw: unknown, path: string): FieldError[] {
  if (!isSet(paramsRaw)) return [];
  const params = obj(paramsRaw);
  const errs = validateTypedLocalObjectReference(params, path);
  if (!isSet(params.scope)) return [...errs, field.required(child(path, 'scope'), '')];
  const scope = str(params.scope);
  if (!parameterScopes.includes(scope)) {
    errs.push(field.notSupported(child(path, 'scope'), scope, parameterScopes));
  } else if (scope === 'Namespace') {
    if (!isSet(params.namespace)) errs.push(field.required(child(path, 'namespace'), "`parameters.scope` is set to 'Namespace'"));
    else for (const msg of isDNS1123Label(str(params.namespace))) errs.push(field.invalid(child(path, 'namespace'), str(params.namespace), msg));
  } else if (isSet(params.namespace)) {
    errs.push(field.forbidden(child(path, 'namespace'), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

export function validateIngressClassSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const controller = str(spec.controller);
  const errs: FieldError[] = [];
  if (byteLength(controller) > maxLenIngressClassController) errs.push(field.tooLong(child(path, 'controller'), '', maxLenIngressClassController));
  errs.push(...isDomainPrefixedPath(child(path, 'controller'), controller));
  errs.push(...validateParametersReference(spec.parameters, child(path, 'parameters')));
  return errs;
}

export function validateIngressClass(ic: KubeObject): FieldError[] {
  return validateIngressClassSpec(ic.spec);
}

export function validateIngressClassUpdate(ic: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(obj(ic.spec).controller, obj(old.spec).controller, 'spec.controller');
}

export const ingressClassValidation: KindValidation = {
  validate: validateIngressClass,
  validateUpdate: validateIngressClassUpdate,
  nameRule: 'subdomain',
};
